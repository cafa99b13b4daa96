package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code strings.render_template}: the commonly used part of Go's text/template, executed over
 * the variables as OPA hands them to Go (JSON-decoded, numbers kept as their text) with
 * {@code missingkey=error}. Supported: text and {@code {{pipeline}}} actions with {@code {{-}}
 * and {@code -}}} trimming, comments, fields ({@code .a.b}, {@code $x.a}), variables
 * ({@code :=}, {@code =}), literals, parenthesised pipelines, {@code |} chaining, {@code if /
 * else if / else}, {@code range} (with {@code $i, $v :=}, {@code else}, {@code break},
 * {@code continue}), {@code with}, and the functions {@code and or not len index eq ne lt le gt
 * ge print println printf}. {@code define}, {@code template} and {@code block} are rejected.
 */
final class GoTemplate {
  private static final String NAME = "template";
  /** Nesting of control structures and parentheses; keeps recursion within the stack. */
  private static final int MAX_DEPTH = 500;

  private GoTemplate() {}

  static Value render(Value[] a) throws BuiltinException {
    String text = Args.string(a, 0);
    ObjectValue vars = Args.object(a, 1);
    List<Node> nodes = new Parser(text).parseAll();
    Exec exec = new Exec(text);
    exec.vars.add(new Var("$", toGo(vars)));
    try {
      exec.walkList(toGo(vars), nodes);
    } catch (Loop l) {
      throw BuiltinException.failure(prefix(text, 0) + "break or continue outside range");
    }
    return StringValue.of(exec.out.toString());
  }

  /** A JSON number as Go's json.Number: a string type holding the literal text. */
  record JsonNumber(String text) {}

  private static Object toGo(Value v) {
    return switch (v) {
      case NullValue n -> null;
      case BooleanValue b -> b.value();
      case NumberValue n -> new JsonNumber(n.toString());
      case StringValue s -> s.value();
      case ArrayValue arr -> {
        List<Object> out = new ArrayList<>();
        arr.asList().forEach(x -> out.add(toGo(x)));
        yield out;
      }
      case SetValue set -> {
        List<Object> out = new ArrayList<>();
        set.sorted().forEach(x -> out.add(toGo(x)));
        yield out;
      }
      case ObjectValue obj -> {
        Map<String, Object> out = new TreeMap<>(UrlQueryBuiltins::compareCodePoints);
        obj.asMap().forEach((k, x) ->
            out.put(k instanceof StringValue s ? s.value() : k.toJson(), toGo(x)));
        yield out;
      }
    };
  }

  private static String prefix(String text, int pos) {
    int line = 1;
    for (int i = 0; i < pos && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return "template: " + NAME + ":" + line + ": ";
  }

  // ---- syntax ----

  sealed interface Node permits Text, Action, If, Range, With, Break, Continue {}

  record Text(String text) implements Node {}

  record Action(int pos, Pipe pipe) implements Node {}

  record If(Pipe pipe, List<Node> then, List<Node> otherwise) implements Node {}

  record Range(Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {}

  record With(Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {}

  record Break() implements Node {}

  record Continue() implements Node {}

  record Pipe(int pos, List<String> decl, boolean assign, List<List<Operand>> cmds) {}

  sealed interface Operand permits Field, Variable, Dot, Literal, Ident, SubPipe {}

  /** {@code .a.b} on the current value. */
  record Field(int pos, List<String> names) implements Operand {}

  /** {@code $x.a.b}. */
  record Variable(int pos, String name, List<String> names) implements Operand {}

  record Dot() implements Operand {}

  record Literal(Object value) implements Operand {}

  record Ident(int pos, String name) implements Operand {}

  record SubPipe(Pipe pipe, List<String> names) implements Operand {}

  /** Splits the text into text and actions, then parses actions into nodes. */
  private static final class Parser {
    private final String text;
    private int pos;
    // Tokens of the current action.
    private List<Tok> toks;
    private int ti;
    private int depth;

    record Tok(String kind, String text, int pos) {}

    Parser(String text) {
      this.text = text;
    }

    private BuiltinException error(int at, String message) {
      return BuiltinException.failure(prefix(text, at) + message);
    }

    List<Node> parseAll() throws BuiltinException {
      List<Node> out = new ArrayList<>();
      String end = parseList(out);
      if (end != null) {
        throw error(pos, "unexpected {{" + end + "}}");
      }
      return out;
    }

    /** Parses nodes until {{end}} / {{else}} / EOF; returns the keyword that stopped it. */
    private String parseList(List<Node> out) throws BuiltinException {
      while (pos < text.length()) {
        int open = text.indexOf("{{", pos);
        if (open < 0) {
          out.add(new Text(text.substring(pos)));
          pos = text.length();
          break;
        }
        String chunk = text.substring(pos, open);
        int inner = open + 2;
        boolean trimLeft = inner + 1 < text.length() && text.charAt(inner) == '-'
            && isSpace(text.charAt(inner + 1));
        if (trimLeft) {
          chunk = stripTrailing(chunk);
          inner += 2;
        }
        if (!chunk.isEmpty()) {
          out.add(new Text(chunk));
        }
        int close = findClose(inner);
        if (close < 0) {
          throw error(open, "unclosed action");
        }
        int bodyEnd = close;
        boolean trimRight = close - 1 >= inner && text.charAt(close - 1) == '-'
            && close - 2 >= inner && isSpace(text.charAt(close - 2));
        if (trimRight) {
          bodyEnd = close - 2;
        }
        String body = text.substring(inner, Math.max(inner, bodyEnd));
        pos = close + 2;
        if (trimRight) {
          while (pos < text.length() && isSpace(text.charAt(pos))) {
            pos++;
          }
        }
        String trimmed = body.strip();
        if (trimmed.startsWith("/*")) {
          if (!trimmed.endsWith("*/")) {
            throw error(open, "unclosed comment");
          }
          continue;
        }
        toks = lex(body, inner);
        ti = 0;
        if (toks.isEmpty()) {
          throw error(open, "missing value for command");
        }
        Tok first = toks.get(0);
        if (first.kind.equals("ident")) {
          switch (first.text) {
            case "end" -> {
              expectEnd(1);
              return "end";
            }
            case "else" -> {
              return "else";
            }
            case "if", "range", "with" -> {
              ti = 1;
              out.add(control(first.text, first.pos));
              continue;
            }
            case "break" -> {
              expectEnd(1);
              out.add(new Break());
              continue;
            }
            case "continue" -> {
              expectEnd(1);
              out.add(new Continue());
              continue;
            }
            case "define", "template", "block" ->
                throw error(first.pos, "{{" + first.text + "}} is not supported");
            default -> {}
          }
        }
        Pipe p = pipeline(first.pos, true);
        expectEnd(ti);
        out.add(new Action(first.pos, p));
      }
      return null;
    }

    private void expectEnd(int at) throws BuiltinException {
      if (at < toks.size()) {
        Tok t = toks.get(at);
        throw error(t.pos, "unexpected \"" + t.text + "\" in command");
      }
    }

    private Node control(String kind, int at) throws BuiltinException {
      if (++depth > MAX_DEPTH) {
        throw error(at, "max nesting depth of " + MAX_DEPTH + " exceeded");
      }
      Pipe p = pipeline(at, true);
      expectEnd(ti);
      List<Node> body = new ArrayList<>();
      List<Node> otherwise = new ArrayList<>();
      String stop = parseList(body);
      if (stop == null) {
        throw error(text.length(), "unexpected EOF");
      }
      if (stop.equals("else")) {
        // "{{else if ...}}" and "{{else with ...}}" chain a nested control.
        if (toks.size() > 1 && toks.get(1).kind.equals("ident")
            && (toks.get(1).text.equals("if") || toks.get(1).text.equals("with"))) {
          ti = 2;
          otherwise.add(control(toks.get(1).text, toks.get(1).pos));
          depth--;
          return make(kind, p, body, otherwise);
        }
        expectEnd(1);
        stop = parseList(otherwise);
        if (!"end".equals(stop)) {
          throw error(text.length(), stop == null ? "unexpected EOF" : "expected end; found {{else}}");
        }
      }
      depth--;
      return make(kind, p, body, otherwise);
    }

    private static Node make(String kind, Pipe p, List<Node> body, List<Node> otherwise) {
      return switch (kind) {
        case "if" -> new If(p, body, otherwise);
        case "range" -> new Range(p, body, otherwise);
        default -> new With(p, body, otherwise);
      };
    }

    private Pipe pipeline(int at, boolean allowDecl) throws BuiltinException {
      List<String> decl = new ArrayList<>();
      boolean assign = false;
      if (allowDecl && ti < toks.size() && toks.get(ti).kind.equals("var")) {
        int save = ti;
        List<String> names = new ArrayList<>();
        names.add(toks.get(ti).text);
        int j = ti + 1;
        if (j + 1 < toks.size() && toks.get(j).kind.equals("comma") && toks.get(j + 1).kind.equals("var")) {
          names.add(toks.get(j + 1).text);
          j += 2;
        }
        if (j < toks.size() && (toks.get(j).kind.equals("declare") || toks.get(j).kind.equals("assign"))) {
          assign = toks.get(j).kind.equals("assign");
          decl = names;
          ti = j + 1;
        } else {
          ti = save;
        }
      }
      List<List<Operand>> cmds = new ArrayList<>();
      while (true) {
        List<Operand> cmd = new ArrayList<>();
        while (ti < toks.size() && !toks.get(ti).kind.equals("pipe")
            && !toks.get(ti).kind.equals("rparen")) {
          cmd.add(operand());
        }
        if (cmd.isEmpty()) {
          throw error(at, "missing value for command");
        }
        cmds.add(cmd);
        if (ti < toks.size() && toks.get(ti).kind.equals("pipe")) {
          ti++;
          continue;
        }
        break;
      }
      return new Pipe(at, decl, assign, cmds);
    }

    private Operand operand() throws BuiltinException {
      Tok t = toks.get(ti++);
      switch (t.kind) {
        case "field" -> {
          return new Field(t.pos, List.of(t.text.substring(1).split("\\.")));
        }
        case "dot" -> {
          return new Dot();
        }
        case "var" -> {
          String[] parts = t.text.split("\\.", -1);
          return new Variable(t.pos, parts[0], List.of(parts).subList(1, parts.length));
        }
        case "string" -> {
          return new Literal(t.text);
        }
        case "number" -> {
          try {
            return new Literal(Long.valueOf(t.text));
          } catch (NumberFormatException e) {
            return new Literal(Double.valueOf(t.text));
          }
        }
        case "float" -> {
          return new Literal(Double.valueOf(t.text));
        }
        case "ident" -> {
          return switch (t.text) {
            case "true" -> new Literal(Boolean.TRUE);
            case "false" -> new Literal(Boolean.FALSE);
            case "nil" -> throw error(t.pos, "nil is not a command");
            default -> new Ident(t.pos, t.text);
          };
        }
        case "lparen" -> {
          if (++depth > MAX_DEPTH) {
            throw error(t.pos, "max nesting depth of " + MAX_DEPTH + " exceeded");
          }
          Pipe p = pipeline(t.pos, false);
          depth--;
          if (ti >= toks.size() || !toks.get(ti).kind.equals("rparen")) {
            throw error(t.pos, "unclosed left paren");
          }
          ti++;
          List<String> names = List.of();
          if (ti < toks.size() && toks.get(ti).kind.equals("field")
              && toks.get(ti).pos == toks.get(ti - 1).pos + 1) {
            names = List.of(toks.get(ti++).text.substring(1).split("\\."));
          }
          return new SubPipe(p, names);
        }
        default -> throw error(t.pos, "unexpected \"" + t.text + "\" in operand");
      }
    }

    private int findClose(int from) {
      int i = from;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '"' || c == '`' || c == '\'') {
          int j = i + 1;
          while (j < text.length() && text.charAt(j) != c) {
            if (c != '`' && text.charAt(j) == '\\') {
              j++;
            }
            j++;
          }
          i = j + 1;
          continue;
        }
        if (text.startsWith("}}", i)) {
          return i;
        }
        i++;
      }
      return -1;
    }

    private List<Tok> lex(String body, int base) throws BuiltinException {
      List<Tok> out = new ArrayList<>();
      int i = 0;
      while (i < body.length()) {
        char c = body.charAt(i);
        int at = base + i;
        if (isSpace(c)) {
          i++;
        } else if (c == '|') {
          out.add(new Tok("pipe", "|", at));
          i++;
        } else if (c == '(') {
          out.add(new Tok("lparen", "(", at));
          i++;
        } else if (c == ')') {
          out.add(new Tok("rparen", ")", at));
          i++;
        } else if (c == ',') {
          out.add(new Tok("comma", ",", at));
          i++;
        } else if (c == ':' && i + 1 < body.length() && body.charAt(i + 1) == '=') {
          out.add(new Tok("declare", ":=", at));
          i += 2;
        } else if (c == '=') {
          out.add(new Tok("assign", "=", at));
          i++;
        } else if (c == '"') {
          int j = i + 1;
          StringBuilder sb = new StringBuilder();
          while (j < body.length() && body.charAt(j) != '"') {
            char d = body.charAt(j);
            if (d == '\\' && j + 1 < body.length()) {
              char e = body.charAt(++j);
              switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\', '"' -> sb.append(e);
                default -> throw error(at, "invalid syntax");
              }
            } else {
              sb.append(d);
            }
            j++;
          }
          if (j >= body.length()) {
            throw error(at, "unterminated quoted string");
          }
          out.add(new Tok("string", sb.toString(), at));
          i = j + 1;
        } else if (c == '`') {
          int j = body.indexOf('`', i + 1);
          if (j < 0) {
            throw error(at, "unterminated raw quoted string");
          }
          out.add(new Tok("string", body.substring(i + 1, j), at));
          i = j + 1;
        } else if (c == '.' && (i + 1 >= body.length() || !isIdentChar(body.charAt(i + 1)))) {
          out.add(new Tok("dot", ".", at));
          i++;
        } else if (c == '.' || c == '$') {
          int j = i + 1;
          while (j < body.length() && (isIdentChar(body.charAt(j)) || body.charAt(j) == '.')) {
            j++;
          }
          out.add(new Tok(c == '.' ? "field" : "var", body.substring(i, j), at));
          i = j;
        } else if (Character.isDigit(c) || ((c == '-' || c == '+') && i + 1 < body.length()
            && Character.isDigit(body.charAt(i + 1)))) {
          int j = i + 1;
          while (j < body.length() && (Character.isLetterOrDigit(body.charAt(j))
              || body.charAt(j) == '.' || body.charAt(j) == '_')) {
            j++;
          }
          String num = body.substring(i, j);
          String kind = num.matches("[+-]?[0-9]+") ? "number"
              : num.matches("[+-]?[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?") ? "float" : null;
          if (kind == null) {
            throw error(at, "bad number syntax: \"" + num + "\"");
          }
          out.add(new Tok(kind, num, at));
          i = j;
        } else if (isIdentChar(c)) {
          int j = i;
          while (j < body.length() && isIdentChar(body.charAt(j))) {
            j++;
          }
          out.add(new Tok("ident", body.substring(i, j), at));
          i = j;
        } else {
          throw error(at, "unexpected \"" + c + "\" in command");
        }
      }
      return out;
    }

    private static boolean isIdentChar(char c) {
      return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static String stripTrailing(String s) {
      int e = s.length();
      while (e > 0 && isSpace(s.charAt(e - 1))) {
        e--;
      }
      return s.substring(0, e);
    }
  }

  // ---- execution ----

  private record Var(String name, Object value) {}

  /** Unwinds a range iteration on {{break}} or {{continue}}. */
  private static final class Loop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean isBreak;

    Loop(boolean isBreak) {
      super(null, null, false, false);
      this.isBreak = isBreak;
    }
  }

  private static final class Exec {
    private final String text;
    private final StringBuilder out = new StringBuilder();
    private final List<Var> vars = new ArrayList<>();

    Exec(String text) {
      this.text = text;
    }

    private BuiltinException error(int pos, String context, String message) {
      int line = 1;
      int lastNl = -1;
      for (int i = 0; i < pos && i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          line++;
          lastNl = i;
        }
      }
      int col = lastNl < 0 ? pos : pos - lastNl - 1;
      return BuiltinException.failure("template: " + NAME + ":" + line + ":" + col
          + ": executing \"" + NAME + "\" at <" + context + ">: " + message);
    }

    void walkList(Object dot, List<Node> nodes) throws BuiltinException {
      for (Node n : nodes) {
        walk(dot, n);
      }
    }

    private void walk(Object dot, Node n) throws BuiltinException {
      switch (n) {
        case Text t -> out.append(t.text());
        case Action a -> {
          int mark = vars.size();
          Object v = pipe(dot, a.pipe());
          if (a.pipe().decl().isEmpty()) {
            out.append(print(v, true));
          }
          if (a.pipe().decl().isEmpty() || a.pipe().assign()) {
            truncate(mark);
          }
        }
        case If i -> {
          int mark = vars.size();
          boolean truth = truth(pipe(dot, i.pipe()));
          walkList(dot, truth ? i.then() : i.otherwise());
          truncate(mark);
        }
        case With w -> {
          int mark = vars.size();
          Object v = pipe(dot, w.pipe());
          if (truth(v)) {
            walkList(v, w.body());
          } else {
            walkList(dot, w.otherwise());
          }
          truncate(mark);
        }
        case Range r -> range(dot, r);
        case Break b -> throw new Loop(true);
        case Continue c -> throw new Loop(false);
      }
    }

    private void truncate(int mark) {
      while (vars.size() > mark) {
        vars.remove(vars.size() - 1);
      }
    }

    private void range(Object dot, Range r) throws BuiltinException {
      int mark = vars.size();
      Pipe p = r.pipe();
      Object v = pipe(dot, new Pipe(p.pos(), List.of(), false, p.cmds()));
      List<Object[]> items = new ArrayList<>();
      if (v instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          items.add(new Object[] {(long) i, list.get(i)});
        }
      } else if (v instanceof Map<?, ?> map) {
        map.forEach((k, x) -> items.add(new Object[] {k, x}));
      } else if (v instanceof Long count) {
        for (long i = 0; i < count; i++) {
          items.add(new Object[] {i, i});
        }
      } else if (v != null) {
        throw error(p.pos(), "range", "range can't iterate over " + print(v, false));
      }
      for (Object[] item : items) {
        int inner = vars.size();
        if (p.decl().size() == 1) {
          vars.add(new Var(p.decl().get(0), item[1]));
        } else if (p.decl().size() == 2) {
          vars.add(new Var(p.decl().get(0), item[0]));
          vars.add(new Var(p.decl().get(1), item[1]));
        }
        try {
          walkList(item[1], r.body());
        } catch (Loop l) {
          if (l.isBreak) {
            truncate(inner);
            break;
          }
        }
        truncate(inner);
      }
      if (items.isEmpty()) {
        walkList(dot, r.otherwise());
      }
      truncate(mark);
    }

    private Object pipe(Object dot, Pipe p) throws BuiltinException {
      Object value = null;
      boolean first = true;
      for (List<Operand> cmd : p.cmds()) {
        value = command(dot, cmd, first ? null : new Object[] {value});
        first = false;
      }
      for (String name : p.decl()) {
        if (p.assign()) {
          setVar(p.pos(), name, value);
        } else {
          vars.add(new Var(name, value));
        }
      }
      return value;
    }

    private void setVar(int pos, String name, Object value) throws BuiltinException {
      for (int i = vars.size() - 1; i >= 0; i--) {
        if (vars.get(i).name().equals(name)) {
          vars.set(i, new Var(name, value));
          return;
        }
      }
      throw error(pos, name, "undefined variable: " + name);
    }

    /** A command; {@code piped} holds the previous command's result, passed as last argument. */
    private Object command(Object dot, List<Operand> cmd, Object[] piped) throws BuiltinException {
      Operand head = cmd.get(0);
      if (head instanceof Ident id) {
        List<Object> args = new ArrayList<>();
        for (int i = 1; i < cmd.size(); i++) {
          args.add(operand(dot, cmd.get(i)));
        }
        if (piped != null) {
          args.add(piped[0]);
        }
        return call(id, args);
      }
      if (cmd.size() > 1 || piped != null) {
        throw error(posOf(head), describe(head), "can't give argument to non-function "
            + describe(head));
      }
      return operand(dot, head);
    }

    private int posOf(Operand o) {
      return switch (o) {
        case Field f -> f.pos();
        case Variable v -> v.pos();
        case Ident i -> i.pos();
        case SubPipe s -> s.pipe().pos();
        default -> 0;
      };
    }

    private static String describe(Operand o) {
      return switch (o) {
        case Field f -> "." + String.join(".", f.names());
        case Variable v -> v.names().isEmpty() ? v.name() : v.name() + "." + String.join(".", v.names());
        case Dot d -> ".";
        case Literal l -> l.value() instanceof String s ? GoFormat.sprintf("%q", s) : String.valueOf(l.value());
        case Ident i -> i.name();
        case SubPipe s -> "(...)";
      };
    }

    private Object operand(Object dot, Operand o) throws BuiltinException {
      return switch (o) {
        case Dot d -> dot;
        case Literal l -> l.value();
        case Field f -> fields(f.pos(), dot, f.names(), "");
        case Variable v -> {
          Object base = lookupVar(v);
          yield fields(v.pos(), base, v.names(), v.name());
        }
        case SubPipe s -> fields(s.pipe().pos(), pipe(dot, s.pipe()), s.names(), "(...)");
        case Ident i -> call(i, List.of());
      };
    }

    private Object lookupVar(Variable v) throws BuiltinException {
      for (int i = vars.size() - 1; i >= 0; i--) {
        if (vars.get(i).name().equals(v.name())) {
          return vars.get(i).value();
        }
      }
      throw error(v.pos(), v.name(), "undefined variable: " + v.name());
    }

    private Object fields(int pos, Object base, List<String> names, String start)
        throws BuiltinException {
      Object cur = base;
      StringBuilder ctx = new StringBuilder(start);
      for (String name : names) {
        ctx.append('.').append(name);
        if (cur instanceof Map<?, ?> map) {
          if (!map.containsKey(name)) {
            throw error(pos, ctx.toString(), "map has no entry for key \"" + name + "\"");
          }
          cur = map.get(name);
        } else if (cur == null) {
          throw error(pos, ctx.toString(), "nil pointer evaluating interface {}." + name);
        } else {
          throw error(pos, ctx.toString(), "can't evaluate field " + name + " in type " + typeName(cur));
        }
      }
      return cur;
    }

    private Object call(Ident id, List<Object> args) throws BuiltinException {
      String ctx = id.name();
      switch (id.name()) {
        case "and", "or" -> {
          if (args.isEmpty()) {
            throw error(id.pos(), ctx, "wrong number of args for " + id.name() + ": want at least 1 got 0");
          }
          for (Object x : args) {
            if (truth(x) != id.name().equals("and")) {
              return x;
            }
          }
          return args.get(args.size() - 1);
        }
        case "not" -> {
          arity(id, args, 1);
          return !truth(args.get(0));
        }
        case "len" -> {
          arity(id, args, 1);
          Object x = args.get(0);
          return switch (x) {
            case String s -> (long) s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            case JsonNumber n -> (long) n.text().length();
            case List<?> l -> (long) l.size();
            case Map<?, ?> m -> (long) m.size();
            case null, default -> throw error(id.pos(), ctx,
                "error calling len: len of type " + typeName(x));
          };
        }
        case "index" -> {
          if (args.isEmpty()) {
            throw error(id.pos(), ctx, "wrong number of args for index: want at least 1 got 0");
          }
          Object cur = args.get(0);
          for (int i = 1; i < args.size(); i++) {
            Object k = args.get(i);
            if (cur instanceof List<?> l && k instanceof Long n) {
              if (n < 0 || n >= l.size()) {
                throw error(id.pos(), ctx, "error calling index: index out of range: " + n);
              }
              cur = l.get(n.intValue());
            } else if (cur instanceof Map<?, ?> m && k instanceof String s) {
              cur = m.get(s);
            } else {
              throw error(id.pos(), ctx, "error calling index: cannot index " + typeName(cur)
                  + " with " + typeName(k));
            }
          }
          return cur;
        }
        case "eq", "ne", "lt", "le", "gt", "ge" -> {
          return compare(id, args);
        }
        case "print", "println" -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < args.size(); i++) {
            boolean isString = args.get(i) instanceof String || args.get(i) instanceof JsonNumber;
            boolean prevString = i > 0
                && (args.get(i - 1) instanceof String || args.get(i - 1) instanceof JsonNumber);
            if (i > 0 && (id.name().equals("println") || (!isString && !prevString))) {
              sb.append(' ');
            }
            sb.append(print(args.get(i), false));
          }
          if (id.name().equals("println")) {
            sb.append('\n');
          }
          return sb.toString();
        }
        case "printf" -> {
          if (args.isEmpty() || !(args.get(0) instanceof String f)) {
            throw error(id.pos(), ctx, "wrong type for value; expected string");
          }
          Object[] rest = new Object[args.size() - 1];
          for (int i = 1; i < args.size(); i++) {
            Object x = args.get(i);
            rest[i - 1] = x instanceof Long || x instanceof Double || x instanceof String ? x
                : print(x, false);
          }
          return GoFormat.sprintf(f, rest);
        }
        default -> throw error(id.pos(), ctx, "function \"" + id.name() + "\" not defined");
      }
    }

    private void arity(Ident id, List<Object> args, int n) throws BuiltinException {
      if (args.size() != n) {
        throw error(id.pos(), id.name(), "wrong number of args for " + id.name() + ": want " + n
            + " got " + args.size());
      }
    }

    private Object compare(Ident id, List<Object> args) throws BuiltinException {
      String op = id.name();
      if (args.size() < 2 || (!op.equals("eq") && args.size() != 2)) {
        throw error(id.pos(), op, "wrong number of args for " + op + ": want 2 got " + args.size());
      }
      Object a = args.get(0);
      for (int i = 1; i < args.size(); i++) {
        Object b = args.get(i);
        int c = compareBasic(id, a, b, op.equals("eq") || op.equals("ne"));
        boolean r = switch (op) {
          case "eq" -> c == 0;
          case "ne" -> c != 0;
          case "lt" -> c < 0;
          case "le" -> c <= 0;
          case "gt" -> c > 0;
          default -> c >= 0;
        };
        if (op.equals("eq")) {
          if (r) {
            return true;
          }
          continue;
        }
        return r;
      }
      return false;
    }

    /** Go's basic comparison: strings (json.Number included), integers, floats, booleans. */
    private int compareBasic(Ident id, Object a, Object b, boolean equality)
        throws BuiltinException {
      Object x = a instanceof JsonNumber n ? n.text() : a;
      Object y = b instanceof JsonNumber n ? n.text() : b;
      if (x instanceof String s && y instanceof String t) {
        return UrlQueryBuiltins.compareCodePoints(s, t);
      }
      if (x instanceof Long s && y instanceof Long t) {
        return Long.compare(s, t);
      }
      if (x instanceof Number s && y instanceof Number t) {
        return Double.compare(s.doubleValue(), t.doubleValue());
      }
      if (x instanceof Boolean s && y instanceof Boolean t && equality) {
        return s.equals(t) ? 0 : 1;
      }
      if (x == null || y == null || x instanceof Map || x instanceof List) {
        throw error(id.pos(), id.name(), "error calling " + id.name() + ": invalid type for comparison");
      }
      throw error(id.pos(), id.name(), "error calling " + id.name() + ": incompatible types for comparison");
    }

    private static boolean truth(Object v) {
      return switch (v) {
        case null -> false;
        case Boolean b -> b;
        case String s -> !s.isEmpty();
        case JsonNumber n -> !n.text().isEmpty();
        case Long l -> l != 0;
        case Double d -> d != 0;
        case List<?> l -> !l.isEmpty();
        case Map<?, ?> m -> !m.isEmpty();
        default -> true;
      };
    }

    private static String typeName(Object v) {
      return switch (v) {
        case null -> "<nil>";
        case String s -> "string";
        case JsonNumber n -> "json.Number";
        case Boolean b -> "bool";
        case Long l -> "int";
        case Double d -> "float64";
        case List<?> l -> "[]interface {}";
        case Map<?, ?> m -> "map[string]interface {}";
        default -> v.getClass().getSimpleName();
      };
    }

    /** fmt.Fprint of a value; at the top of an action a missing value prints as <no value>. */
    private static String print(Object v, boolean top) {
      StringBuilder sb = new StringBuilder();
      if (v == null) {
        return top ? "<no value>" : "<nil>";
      }
      printInto(sb, v);
      return sb.toString();
    }

    private static void printInto(StringBuilder sb, Object v) {
      switch (v) {
        case null -> sb.append("<nil>");
        case String s -> sb.append(s);
        case JsonNumber n -> sb.append(n.text());
        case Double d -> sb.append(GoFormat.sprintf("%v", d));
        case List<?> l -> {
          sb.append('[');
          for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
              sb.append(' ');
            }
            printInto(sb, l.get(i));
          }
          sb.append(']');
        }
        case Map<?, ?> m -> {
          sb.append("map[");
          boolean first = true;
          for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
              sb.append(' ');
            }
            first = false;
            sb.append(e.getKey()).append(':');
            printInto(sb, e.getValue());
          }
          sb.append(']');
        }
        default -> sb.append(v);
      }
    }
  }
}
