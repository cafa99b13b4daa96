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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code strings.render_template}: Go's text/template executed over the variables as OPA hands
 * them to Go (JSON-decoded, numbers kept as json.Number text) with {@code missingkey=error}.
 * Supported: text and {@code {{pipeline}}} actions with trim markers, comments, fields and
 * chains, variables ({@code :=}, {@code =}) with Go's scoping, constants (strings, raw strings,
 * characters, numbers with base prefixes), parenthesised pipelines, {@code |} chaining, {@code if
 * / else if / else}, {@code range} (with {@code break}, {@code continue}, {@code else}), {@code
 * with / else with}, {@code define}, {@code template}, {@code block}, and the predefined
 * functions {@code and or not len index slice eq ne lt le gt ge print println printf html js
 * urlquery} ({@code call} always fails: the data holds no functions). Error texts follow Go's.
 */
final class GoTemplate {
  private static final String NAME = "template";
  /** Nesting of control structures and parentheses; keeps recursion within the stack. */
  private static final int MAX_DEPTH = 500;
  /** text/template's predefined functions; those marked unsupported below fail when called. */
  private static final java.util.Set<String> FUNCTIONS = java.util.Set.of(
      "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf",
      "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne");

  private GoTemplate() {}

  static Value render(Value[] a) throws BuiltinException {
    String text = Args.string(a, 0);
    ObjectValue vars = Args.object(a, 1);
    Parser parser = new Parser(text);
    List<Node> nodes = parser.parseAll();
    Exec exec = new Exec(text, parser.defined);
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
        Map<String, Object> out = new TreeMap<>(GoText::compare);
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

  sealed interface Node permits Text, Action, If, Range, With, Break, Continue, Call {}

  record Text(String text) implements Node {}

  record Action(int pos, Pipe pipe) implements Node {}

  record If(Pipe pipe, List<Node> then, List<Node> otherwise) implements Node {}

  record Range(Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {}

  record With(Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {}

  record Break() implements Node {}

  record Continue() implements Node {}

  /** {@code {{template "name" pipeline}}}; the pipeline may be null. */
  record Call(int pos, String name, Pipe pipe) implements Node {}

  record Pipe(int pos, List<String> decl, boolean assign, List<List<Operand>> cmds) {}

  sealed interface Operand permits Field, Variable, Dot, Literal, Ident, SubPipe {}

  /** {@code .a.b} on the current value. */
  record Field(int pos, List<String> names) implements Operand {}

  /** {@code $x.a.b}. */
  record Variable(int pos, String name, List<String> names) implements Operand {}

  record Dot() implements Operand {}

  /** A constant with the text it was written as. */
  record Literal(int pos, Object value, String text) implements Operand {}

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
    /** How many {@code range} bodies enclose the current position. */
    private int rangeDepth;
    /** Variables in scope, innermost last; {@code $} always. */
    private final List<String> scope = new ArrayList<>(List.of("$"));
    /** Templates from {@code define} and {@code block}. */
    final Map<String, List<Node>> defined = new HashMap<>();

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
        // A comment must touch the delimiters (or their trim markers).
        if (body.startsWith("/*")) {
          if (!body.endsWith("*/")) {
            throw error(open, "comment ends before closing delimiter");
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
            case "break", "continue" -> {
              if (toks.size() > 1) {
                throw error(toks.get(1).pos, "unexpected \"" + toks.get(1).text + "\" in {{"
                    + first.text + "}}");
              }
              if (rangeDepth == 0) {
                throw error(first.pos, "{{" + first.text + "}} outside {{range}}");
              }
              out.add(first.text.equals("break") ? new Break() : new Continue());
              continue;
            }
            case "template" -> {
              out.add(templateCall(first));
              continue;
            }
            case "define", "block" -> {
              if (first.text.equals("define") && depth > 0) {
                throw error(first.pos, "unexpected <define> in command");
              }
              Tok nameTok = toks.size() > 1 ? toks.get(1) : null;
              if (nameTok == null || !nameTok.kind.equals("string")) {
                throw error(first.pos, "unexpected " + (nameTok == null ? "\"}}\"" : "\"" + nameTok.text + "\"")
                    + " in " + first.text + " clause");
              }
              Node call = first.text.equals("block") ? templateCall(first) : null;
              List<String> outer = new ArrayList<>(scope);
              scope.clear();
              scope.add("$");
              List<Node> definition = new ArrayList<>();
              if (++depth > MAX_DEPTH) {
                throw error(first.pos, "max nesting depth of " + MAX_DEPTH + " exceeded");
              }
              String stop = parseList(definition);
              depth--;
              scope.clear();
              scope.addAll(outer);
              if (!"end".equals(stop)) {
                throw error(text.length(), stop == null ? "unexpected EOF" : "unexpected {{else}}");
              }
              defined.put(nameTok.text, definition);
              if (call != null) {
                out.add(call);
              }
              continue;
            }
            default -> {}
          }
        }
        Pipe p = pipeline(first.pos, true);
        expectEnd(ti);
        out.add(new Action(first.pos, p));
      }
      return null;
    }

    /** {@code template "name" [pipeline]}; for a block, the call part of it. */
    private Node templateCall(Tok keyword) throws BuiltinException {
      if (toks.size() < 2 || !toks.get(1).kind.equals("string")) {
        throw error(keyword.pos, "unexpected " + (toks.size() < 2 ? "\"}}\"" : "\"" + toks.get(1).text + "\"")
            + " in " + keyword.text + " clause");
      }
      Tok name = toks.get(1);
      Pipe p = null;
      if (toks.size() > 2) {
        ti = 2;
        p = pipeline(toks.get(2).pos, false);
        expectEnd(ti);
      }
      return new Call(name.pos, name.text, p);
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
      int scopeMark = scope.size();
      if (ti >= toks.size()) {
        throw error(at, "missing value for " + kind);
      }
      Pipe p = pipeline(at, true);
      expectEnd(ti);
      List<Node> body = new ArrayList<>();
      List<Node> otherwise = new ArrayList<>();
      if (kind.equals("range")) {
        rangeDepth++;
      }
      String stop = parseList(body);
      if (kind.equals("range")) {
        rangeDepth--;
      }
      if (stop == null) {
        throw error(text.length(), "unexpected EOF");
      }
      if (stop.equals("else")) {
        // "{{else if ...}}" and "{{else with ...}}" chain a nested control.
        if (toks.size() > 1 && toks.get(1).kind.equals("ident")
            && (toks.get(1).text.equals("if") || toks.get(1).text.equals("with"))) {
          ti = 2;
          truncateScope(scopeMark);
          otherwise.add(control(toks.get(1).text, toks.get(1).pos));
          depth--;
          return make(kind, p, body, otherwise);
        }
        expectEnd(1);
        truncateScope(scopeMark);
        stop = parseList(otherwise);
        if (!"end".equals(stop)) {
          throw error(text.length(), stop == null ? "unexpected EOF" : "expected end; found {{else}}");
        }
      }
      depth--;
      truncateScope(scopeMark);
      return make(kind, p, body, otherwise);
    }

    private void truncateScope(int mark) {
      while (scope.size() > mark) {
        scope.remove(scope.size() - 1);
      }
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
          if (ti < toks.size() && toks.get(ti).kind.equals("rparen")) {
            throw error(toks.get(ti).pos, "unexpected \")\" in command");
          }
          throw error(at, "missing value for command");
        }
        cmds.add(cmd);
        if (ti < toks.size() && toks.get(ti).kind.equals("pipe")) {
          ti++;
          continue;
        }
        break;
      }
      if (!decl.isEmpty()) {
        for (String name : decl) {
          if (assign) {
            checkDeclared(name, at);
          } else {
            scope.add(name);
          }
        }
      }
      return new Pipe(at, decl, assign, cmds);
    }

    private void checkDeclared(String name, int at) throws BuiltinException {
      if (!scope.contains(name)) {
        throw error(at, "undefined variable \"" + name + "\"");
      }
    }

    private Operand operand() throws BuiltinException {
      Tok t = toks.get(ti++);
      switch (t.kind) {
        case "field" -> {
          // Go places a chain .a.b.c at its second segment.
          int second = t.text.indexOf('.', 1);
          return new Field(second < 0 ? t.pos : t.pos + second,
              List.of(t.text.substring(1).split("\\.")));
        }
        case "dot" -> {
          return new Dot();
        }
        case "var" -> {
          String[] parts = t.text.split("\\.", -1);
          checkDeclared(parts[0], t.pos);
          int second = t.text.indexOf('.');
          return new Variable(second < 0 ? t.pos : t.pos + second, parts[0],
              List.of(parts).subList(1, parts.length));
        }
        case "string" -> {
          return new Literal(t.pos, t.text, GoFormat.sprintf("%q", t.text));
        }
        case "number" -> {
          return number(t);
        }
        case "char" -> {
          return new Literal(t.pos, (long) t.text.codePointAt(0), "'" + t.text + "'");
        }
        case "ident" -> {
          return switch (t.text) {
            case "true" -> new Literal(t.pos, Boolean.TRUE, "true");
            case "false" -> new Literal(t.pos, Boolean.FALSE, "false");
            case "nil" -> new Literal(t.pos, null, "nil");
            default -> {
              if (!FUNCTIONS.contains(t.text)) {
                throw error(t.pos, "function \"" + t.text + "\" not defined");
              }
              yield new Ident(t.pos, t.text);
            }
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

    /** A number constant as Go's template parser reads it (base prefixes, floats, underscores). */
    private Literal number(Tok t) throws BuiltinException {
      String text = t.text;
      String digits = text.replace("_", "");
      boolean neg = digits.startsWith("-");
      String body = digits.startsWith("-") || digits.startsWith("+") ? digits.substring(1) : digits;
      boolean hex = body.length() > 1 && body.charAt(0) == '0' && "xX".indexOf(body.charAt(1)) >= 0;
      if (!hex && body.matches(".*[.eEpP].*") || hex && body.matches(".*[.pP].*")) {
        try {
          double d = hex ? Double.parseDouble((neg ? "-" : "") + body) : Double.parseDouble(digits);
          if (!Double.isInfinite(d) && !Double.isNaN(d)) {
            return new Literal(t.pos, d, text);
          }
        } catch (NumberFormatException e) {
          // falls through to the syntax error
        }
        throw error(t.pos, "bad number syntax: \"" + text + "\"");
      }
      int radix = 10;
      String mag = body;
      if (body.length() > 1 && body.charAt(0) == '0') {
        char b = Character.toLowerCase(body.charAt(1));
        if (b == 'x' || b == 'o' || b == 'b') {
          radix = b == 'x' ? 16 : b == 'o' ? 8 : 2;
          mag = body.substring(2);
        } else {
          radix = 8;
          mag = body.substring(1);
        }
      }
      java.math.BigInteger v;
      try {
        v = new java.math.BigInteger(mag, radix);
      } catch (NumberFormatException e) {
        throw error(t.pos, "bad number syntax: \"" + text + "\"");
      }
      if (neg) {
        v = v.negate();
      }
      if (v.bitLength() < 64) {
        return new Literal(t.pos, v.longValue(), text);
      }
      if (v.signum() > 0 && v.bitLength() <= 64) {
        return new Literal(t.pos, v, text);
      }
      throw error(t.pos, "integer overflow: \"" + text + "\"");
    }

    private int findClose(int from) throws BuiltinException {
      int i = from;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '"' || c == '`' || c == '\'') {
          int j = i + 1;
          while (j < text.length() && text.charAt(j) != c) {
            if (c != '`' && (text.charAt(j) == '\n')) {
              break;
            }
            if (c != '`' && text.charAt(j) == '\\') {
              j++;
            }
            j++;
          }
          if (j >= text.length() || text.charAt(j) != c) {
            throw error(i, switch (c) {
              case '"' -> "unterminated quoted string";
              case '`' -> "unterminated raw quoted string";
              default -> "unterminated character constant";
            });
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
        } else if (c == '\'') {
          int j = i + 1;
          int cp;
          if (j < body.length() && body.charAt(j) == '\\' && j + 1 < body.length()) {
            char e = body.charAt(j + 1);
            cp = switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'r' -> '\r';
              case '0' -> 0;
              default -> e;
            };
            j += 2;
          } else if (j < body.length()) {
            cp = body.codePointAt(j);
            j += Character.charCount(cp);
          } else {
            throw error(at, "unterminated character constant");
          }
          if (j >= body.length() || body.charAt(j) != '\'') {
            throw error(at, "malformed character constant");
          }
          out.add(new Tok("char", Character.toString(cp), at));
          i = j + 1;
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
          // Exponent signs belong to the number: 1e-3.
          while (j < body.length() && (body.charAt(j) == '+' || body.charAt(j) == '-')
              && "eEpP".indexOf(body.charAt(j - 1)) >= 0) {
            j++;
            while (j < body.length() && (Character.isLetterOrDigit(body.charAt(j))
                || body.charAt(j) == '.' || body.charAt(j) == '_')) {
              j++;
            }
          }
          out.add(new Tok("number", body.substring(i, j), at));
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
    private final Map<String, List<Node>> defined;
    private String current = NAME;
    private int calls;

    Exec(String text, Map<String, List<Node>> defined) {
      this.text = text;
      this.defined = defined;
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
          + ": executing \"" + current + "\" at <" + context + ">: " + message);
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
        case Call c -> {
          List<Node> body = defined.get(c.name());
          String call = "{{template " + GoFormat.sprintf("%q", c.name())
              + (c.pipe() == null ? "" : " " + describe(c.pipe())) + "}}";
          if (body == null) {
            throw error(c.pos(), call, "template " + GoFormat.sprintf("%q", c.name()) + " not defined");
          }
          if (++calls > MAX_DEPTH) {
            throw error(c.pos(), call, "exceeded maximum template depth (" + MAX_DEPTH + ")");
          }
          Object arg = c.pipe() == null ? null : pipe(dot, c.pipe());
          // A template sees only its own $ and variables.
          List<Var> saved = new ArrayList<>(vars);
          String savedName = current;
          vars.clear();
          vars.add(new Var("$", arg));
          current = c.name();
          try {
            walkList(arg, body);
          } finally {
            vars.clear();
            vars.addAll(saved);
            current = savedName;
            calls--;
          }
        }
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
        throw error(posOf(p.cmds().get(0).get(0)), describe(p), "range can't iterate over "
            + print(v, false));
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
        return call(id, args, describe(cmd));
      }
      if (head instanceof Literal l && l.value() == null) {
        throw error(posOf(head), "nil", "nil is not a command");
      }
      if (cmd.size() > 1 || piped != null) {
        if (head instanceof Field f) {
          throw error(posOf(head), describe(head), f.names().get(f.names().size() - 1)
              + " is not a method but has arguments");
        }
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
        case Literal l -> l.pos();
        case SubPipe s -> s.pipe().pos();
        default -> 0;
      };
    }

    private static String describe(Pipe p) {
      StringBuilder sb = new StringBuilder();
      for (String d : p.decl()) {
        sb.append(sb.isEmpty() ? "" : ", ").append(d);
      }
      if (!p.decl().isEmpty()) {
        sb.append(p.assign() ? " = " : " := ");
      }
      for (int i = 0; i < p.cmds().size(); i++) {
        if (i > 0) {
          sb.append(" | ");
        }
        sb.append(describe(p.cmds().get(i)));
      }
      return sb.toString();
    }

    private static String describe(List<Operand> cmd) {
      StringBuilder sb = new StringBuilder();
      for (Operand o : cmd) {
        sb.append(sb.isEmpty() ? "" : " ").append(describe(o));
      }
      return sb.toString();
    }

    private static String describe(Operand o) {
      return switch (o) {
        case Field f -> "." + String.join(".", f.names());
        case Variable v -> v.names().isEmpty() ? v.name() : v.name() + "." + String.join(".", v.names());
        case Dot d -> ".";
        case Literal l -> l.text();
        case Ident i -> i.name();
        case SubPipe s -> "(" + describe(s.pipe()) + ")"
            + (s.names().isEmpty() ? "" : "." + String.join(".", s.names()));
      };
    }

    private Object operand(Object dot, Operand o) throws BuiltinException {
      return switch (o) {
        case Dot d -> dot;
        case Literal l -> l.value();
        case Field f -> fields(f.pos(), dot, f.names(), "", false);
        case Variable v -> {
          Object base = lookupVar(v);
          yield fields(v.pos(), base, v.names(), v.name(), true);
        }
        case SubPipe s -> fields(s.pipe().pos(), pipe(dot, s.pipe()), s.names(), describe(s), true);
        case Ident i -> call(i, List.of(), i.name());
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

    /**
     * Field lookups along a chain; errors name the whole chain. A variable's own value has its
     * concrete type, values looked up from maps are interface {} as in Go.
     */
    private Object fields(int pos, Object base, List<String> names, String start, boolean concrete)
        throws BuiltinException {
      Object cur = base;
      String ctx = start;
      for (String name : names) {
        ctx = ctx + "." + name;
      }
      if (start.startsWith("(")) {
        ctx = start;
      }
      boolean first = true;
      for (String name : names) {
        if (cur instanceof Map<?, ?> map) {
          if (!map.containsKey(name)) {
            throw error(pos, ctx, "map has no entry for key \"" + name + "\"");
          }
          cur = map.get(name);
        } else if (cur == null) {
          throw error(pos, ctx, "nil pointer evaluating interface {}." + name);
        } else {
          throw error(pos, ctx, "can't evaluate field " + name + " in type "
              + (first && concrete ? typeName(cur) : "interface {}"));
        }
        first = false;
      }
      return cur;
    }

    private Object call(Ident id, List<Object> args, String ctx) throws BuiltinException {
      switch (id.name()) {
        case "and", "or" -> {
          if (args.isEmpty()) {
            throw error(id.pos(), id.name(), "wrong number of args for " + id.name() + ": want at least 1 got 0");
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
            throw error(id.pos(), id.name(), "wrong number of args for index: want at least 1 got 0");
          }
          Object cur = args.get(0);
          for (int i = 1; i < args.size(); i++) {
            Object k = args.get(i);
            if (cur instanceof List<?> || cur instanceof String) {
              if (!(k instanceof Long n)) {
                throw error(id.pos(), ctx, "error calling index: cannot index slice/array with type "
                    + typeName(k));
              }
              int size = cur instanceof List<?> l ? l.size() : utf8((String) cur).length;
              if (n < 0 || n >= size) {
                throw error(id.pos(), ctx, "error calling index: index out of range: " + n);
              }
              cur = cur instanceof List<?> l ? l.get(n.intValue())
                  : (long) (utf8((String) cur)[n.intValue()] & 0xFF);
            } else if (cur instanceof Map<?, ?> m) {
              if (!(k instanceof String key)) {
                throw error(id.pos(), ctx, "error calling index: value has type " + typeName(k)
                    + "; should be string");
              }
              cur = m.get(key);
            } else if (cur == null) {
              throw error(id.pos(), ctx, "error calling index: index of untyped nil");
            } else {
              throw error(id.pos(), ctx, "error calling index: can't index item of type "
                  + typeName(cur));
            }
          }
          return cur;
        }
        case "eq", "ne", "lt", "le", "gt", "ge" -> {
          return compare(id, args, ctx);
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
            rest[i - 1] = switch (x) {
              case JsonNumber n -> new GoFormat.Named("json.Number", n.text());
              case List<?> l -> new GoFormat.Named("[]interface {}", print(l, false));
              case Map<?, ?> m -> new GoFormat.Named("map[string]interface {}", print(m, false));
              case null, default -> x;
            };
          }
          return GoFormat.sprintf(f, rest);
        }
        case "html", "js", "urlquery" -> {
          // These take the text fmt.Sprint gives their arguments.
          String text = args.size() == 1 && args.get(0) instanceof String str ? str
              : sprint(args);
          return switch (id.name()) {
            case "html" -> htmlEscape(text);
            case "js" -> jsEscape(text);
            default -> UrlQueryBuiltins.escape(text);
          };
        }
        case "slice" -> {
          return slice(id, args, ctx);
        }
        default -> {
          // "call": the variables hold no functions, only JSON data.
          Object fn = args.isEmpty() ? null : args.get(0);
          throw error(id.pos(), ctx, "error calling call: non-function of type " + typeName(fn));
        }
      }
    }

    private static byte[] utf8(String s) {
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** fmt.Sprint: a space between operands when neither is a string. */
    private static String sprint(List<Object> args) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < args.size(); i++) {
        boolean isString = args.get(i) instanceof String || args.get(i) instanceof JsonNumber;
        boolean prevString = i > 0
            && (args.get(i - 1) instanceof String || args.get(i - 1) instanceof JsonNumber);
        if (i > 0 && !isString && !prevString) {
          sb.append(' ');
        }
        sb.append(print(args.get(i), false));
      }
      return sb.toString();
    }

    /** text/template's HTMLEscapeString. */
    private static String htmlEscape(String s) {
      StringBuilder sb = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case 0 -> sb.append('\uFFFD');
          case '"' -> sb.append("&#34;");
          case '\'' -> sb.append("&#39;");
          case '&' -> sb.append("&amp;");
          case '<' -> sb.append("&lt;");
          case '>' -> sb.append("&gt;");
          default -> sb.append(c);
        }
      }
      return sb.toString();
    }

    /** text/template's JSEscapeString. */
    private static String jsEscape(String s) {
      StringBuilder sb = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); ) {
        int c = s.codePointAt(i);
        i += Character.charCount(c);
        switch (c) {
          case '\\' -> sb.append("\\\\");
          case '\'' -> sb.append("\\'");
          case '"' -> sb.append("\\\"");
          case '<' -> sb.append("\\u003C");
          case '>' -> sb.append("\\u003E");
          case '&' -> sb.append("\\u0026");
          case '=' -> sb.append("\\u003D");
          default -> {
            if (c < ' ' || (c >= 0x80 && !GoFormat.isPrint(c))) {
              sb.append(String.format("\\u%04X", c));
            } else {
              sb.appendCodePoint(c);
            }
          }
        }
      }
      return sb.toString();
    }

    /** {@code slice x 1 2}: strings by bytes, lists by elements. */
    private Object slice(Ident id, List<Object> args, String ctx) throws BuiltinException {
      if (args.isEmpty()) {
        throw error(id.pos(), id.name(), "wrong number of args for slice: want at least 1 got 0");
      }
      Object x = args.get(0);
      if (args.size() > 4 || (x instanceof String && args.size() > 3)) {
        throw error(id.pos(), ctx, "error calling slice: too many slice indexes: " + (args.size() - 1));
      }
      int len;
      if (x instanceof String str) {
        len = utf8(str).length;
      } else if (x instanceof List<?> l) {
        len = l.size();
      } else {
        throw error(id.pos(), ctx, "error calling slice: can't slice item of type " + typeName(x));
      }
      long[] idx = {0, len, len};
      for (int i = 1; i < args.size(); i++) {
        if (!(args.get(i) instanceof Long n)) {
          throw error(id.pos(), ctx, "error calling slice: cannot index slice/array with type "
              + typeName(args.get(i)));
        }
        if (n < 0 || n > len) {
          throw error(id.pos(), ctx, "error calling slice: index out of range: " + n);
        }
        idx[i - 1] = n;
      }
      if (idx[0] > idx[1]) {
        throw error(id.pos(), ctx, "error calling slice: invalid slice index: " + idx[0] + " > "
            + idx[1]);
      }
      if (x instanceof String str) {
        byte[] b = utf8(str);
        return new String(b, (int) idx[0], (int) (idx[1] - idx[0]),
            java.nio.charset.StandardCharsets.UTF_8);
      }
      return new ArrayList<>(((List<?>) x).subList((int) idx[0], (int) idx[1]));
    }

    private void arity(Ident id, List<Object> args, int n) throws BuiltinException {
      if (args.size() != n) {
        throw error(id.pos(), id.name(), "wrong number of args for " + id.name() + ": want " + n
            + " got " + args.size());
      }
    }

    private Object compare(Ident id, List<Object> args, String ctx) throws BuiltinException {
      String op = id.name();
      if (op.equals("eq")) {
        if (args.isEmpty()) {
          throw error(id.pos(), id.name(), "wrong number of args for eq: want at least 1 got 0");
        }
        if (args.size() == 1) {
          throw error(id.pos(), ctx, "error calling eq: missing argument for comparison");
        }
        for (int i = 1; i < args.size(); i++) {
          if (equal(id, ctx, args.get(0), args.get(i))) {
            return true;
          }
        }
        return false;
      }
      if (args.size() != 2) {
        throw error(id.pos(), id.name(), "wrong number of args for " + op + ": want 2 got " + args.size());
      }
      if (op.equals("ne")) {
        return !equal(id, ctx, args.get(0), args.get(1));
      }
      int c = order(id, ctx, args.get(0), args.get(1));
      return switch (op) {
        case "lt" -> c < 0;
        case "le" -> c <= 0;
        case "gt" -> c > 0;
        default -> c >= 0;
      };
    }

    /** Go's basic kinds: json.Number is a string. */
    private static String kind(Object v) {
      return switch (v) {
        case null -> "nil";
        case String s -> "string";
        case JsonNumber n -> "string";
        case Boolean b -> "bool";
        case Long l -> "int";
        case java.math.BigInteger b -> "uint";
        case Double d -> "float";
        default -> "other";
      };
    }

    private static Object basic(Object v) {
      return v instanceof JsonNumber n ? n.text() : v;
    }

    private boolean equal(Ident id, String ctx, Object a, Object b) throws BuiltinException {
      String ka = kind(a);
      String kb = kind(b);
      if (!ka.equals(kb)) {
        if (a == null || b == null) {
          return false;
        }
        if (isInteger(a) && isInteger(b)) {
          return integer(a).equals(integer(b));
        }
        throw error(id.pos(), ctx, "error calling " + id.name() + ": incompatible types for comparison");
      }
      if (ka.equals("other")) {
        throw error(id.pos(), ctx, "error calling " + id.name() + ": non-comparable types");
      }
      return java.util.Objects.equals(basic(a), basic(b));
    }

    private int order(Ident id, String ctx, Object a, Object b) throws BuiltinException {
      String ka = kind(a);
      String kb = kind(b);
      if (ka.equals("nil") || ka.equals("other") || ka.equals("bool")
          || kb.equals("nil") || kb.equals("other") || kb.equals("bool")) {
        throw error(id.pos(), ctx, "error calling " + id.name() + ": invalid type for comparison");
      }
      if (!ka.equals(kb)) {
        if (isInteger(a) && isInteger(b)) {
          return integer(a).compareTo(integer(b));
        }
        throw error(id.pos(), ctx, "error calling " + id.name() + ": incompatible types for comparison");
      }
      return switch (ka) {
        case "string" -> GoText.compare((String) basic(a), (String) basic(b));
        case "float" -> Double.compare((Double) a, (Double) b);
        default -> integer(a).compareTo(integer(b));
      };
    }

    private static boolean isInteger(Object v) {
      return v instanceof Long || v instanceof java.math.BigInteger;
    }

    private static java.math.BigInteger integer(Object v) {
      return v instanceof Long l ? java.math.BigInteger.valueOf(l) : (java.math.BigInteger) v;
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
        case java.math.BigInteger b -> "uint64";
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
