package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Body;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Compr;
import dev.tollgate.rego.Ast.Every;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.Import;
import dev.tollgate.rego.Ast.Loc;
import dev.tollgate.rego.Ast.Module;
import dev.tollgate.rego.Ast.ObjectTerm;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.Rule;
import dev.tollgate.rego.Ast.RuleKind;
import dev.tollgate.rego.Ast.Scalar;
import dev.tollgate.rego.Ast.SetTerm;
import dev.tollgate.rego.Ast.SomeDecl;
import dev.tollgate.rego.Ast.SomeIn;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.Var;
import dev.tollgate.rego.Ast.With;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Canonical Rego v1 text, as {@code opa fmt} writes it: tab indentation, {@code if} before
 * bodies, {@code contains} for partial sets, sorted imports, one blank line between rules,
 * operators spaced and parenthesised only where precedence needs it, comments kept (standalone
 * comments above the statement that follows them, trailing comments at the end of their line).
 * The output parses to the same syntax tree as the input, and formatting it again changes
 * nothing.
 */
public final class RegoFormatter {
  /** Binary operators by precedence level, loosest first (the parser's table). */
  private static final Map<String, String> OPERATORS = Map.ofEntries(
      Map.entry("or", "|"), Map.entry("and", "&"),
      Map.entry("equal", "=="), Map.entry("neq", "!="), Map.entry("lt", "<"), Map.entry("lte", "<="),
      Map.entry("gt", ">"), Map.entry("gte", ">="),
      Map.entry("plus", "+"), Map.entry("minus", "-"),
      Map.entry("mul", "*"), Map.entry("div", "/"), Map.entry("rem", "%"));
  private static final Map<String, Integer> LEVEL = Map.ofEntries(
      Map.entry("or", 0), Map.entry("and", 1),
      Map.entry("equal", 2), Map.entry("neq", 2), Map.entry("lt", 2), Map.entry("lte", 2),
      Map.entry("gt", 2), Map.entry("gte", 2),
      Map.entry("plus", 3), Map.entry("minus", 3),
      Map.entry("mul", 4), Map.entry("div", 4), Map.entry("rem", 4));
  private static final int MEMBER = -1;
  private static final int UNIFY = -2;
  private static final int ATOM = 10;
  private static final Set<String> RESERVED = Set.of("if", "contains", "in", "every", "some", "not", "with", "as",
      "else", "default", "import", "package", "true", "false", "null");

  private final StringBuilder out = new StringBuilder();
  private final TreeMap<Integer, String> comments = new TreeMap<>();
  private final Set<Integer> trailing = new java.util.HashSet<>();
  private String[] source = new String[0];
  /** Indentation of the line being built: multi-line composites indent their elements one deeper. */
  private int depth;

  private RegoFormatter() {}

  /**
   * Formats a module.
   *
   * @param v0 parse the text as Rego v0 (the output is Rego v1)
   * @throws RegoCompileException on a syntax error (file:line:col)
   */
  public static String format(String file, String text, boolean v0) {
    Module m;
    try {
      m = Parser.parseModule(file, text, !v0);
    } catch (RegoCompileException e) {
      throw e;
    } catch (RegoException e) {
      throw new RegoCompileException(e.errors());
    } catch (StackOverflowError e) {
      throw new RegoCompileException(List.of(new RegoError("rego_parse_error", "module nesting too deep", file)));
    }
    Lexer lx = Lexer.lexer(file, text);
    lx.tokens();
    RegoFormatter f = new RegoFormatter();
    f.comments.putAll(lx.comments);
    String[] lines = text.split("\n", -1);
    f.source = lines;
    for (Integer line : lx.comments.keySet()) {
      String src = line - 1 < lines.length ? lines[line - 1] : "";
      int hash = src.lastIndexOf("#" + lx.comments.get(line));
      if (hash > 0 && !src.substring(0, hash).isBlank()) {
        f.trailing.add(line);
      }
    }
    f.module(m);
    return f.out.toString();
  }

  // ---- layout

  private void line(int indent, String s, int srcLine) {
    comments(srcLine, indent);
    out.append("\t".repeat(indent)).append(s);
    if (srcLine > 0 && trailing.contains(srcLine) && comments.containsKey(srcLine)) {
      out.append(" #").append(comments.remove(srcLine));
    }
    out.append('\n');
  }

  /** Standalone comments above {@code srcLine}. */
  private void comments(int srcLine, int indent) {
    while (!comments.isEmpty() && comments.firstKey() < srcLine) {
      Map.Entry<Integer, String> c = comments.pollFirstEntry();
      out.append("\t".repeat(indent)).append('#').append(c.getValue().stripTrailing()).append('\n');
    }
  }

  private void module(Module m) {
    line(0, "package " + pkgPath(m.pkg()), m.loc().line());
    if (!m.imports().isEmpty()) {
      out.append('\n');
      List<Import> sorted = new ArrayList<>(m.imports());
      sorted.sort(Comparator.comparing((Import i) -> !isKeywordImport(i)).thenComparing(RegoFormatter::importText));
      // comments above imports stay above the first one
      int first = m.imports().stream().mapToInt(i -> i.loc().line()).min().orElse(0);
      comments(first, 0);
      // rego.v1 and future.keywords first, then data and input imports, as opa fmt groups them
      boolean keywordsGroup = false;
      boolean started = false;
      for (Import im : sorted) {
        boolean kw = isKeywordImport(im);
        if (started && keywordsGroup && !kw) {
          out.append('\n');
        }
        keywordsGroup = kw;
        started = true;
        line(0, importText(im), im.loc().line());
      }
    }
    for (Rule r : m.rules()) {
      out.append('\n');
      rule(r);
    }
    if (!comments.isEmpty()) {
      out.append('\n');
      comments(Integer.MAX_VALUE, 0);
    }
  }

  private static boolean isKeywordImport(Import im) {
    return im.path().get(0).equals("rego") || im.path().get(0).equals("future");
  }

  private static String pkgPath(List<String> pkg) {
    StringBuilder sb = new StringBuilder(pkg.get(0));
    for (int i = 1; i < pkg.size(); i++) {
      segment(sb, pkg.get(i));
    }
    return sb.toString();
  }

  private static String importText(Import im) {
    StringBuilder sb = new StringBuilder("import ").append(im.path().get(0));
    for (int i = 1; i < im.path().size(); i++) {
      segment(sb, im.path().get(i));
    }
    if (im.alias() != null) {
      sb.append(" as ").append(im.alias());
    }
    return sb.toString();
  }

  private static void segment(StringBuilder sb, String s) {
    if (Plan.Node.isIdent(s) && !RESERVED.contains(s)) {
      sb.append('.').append(s);
    } else {
      sb.append('[').append(StringValue.of(s).toJson()).append(']');
    }
  }

  // ---- rules

  private void rule(Rule r) {
    depth = 0;
    StringBuilder head = new StringBuilder();
    if (r.isDefault()) {
      head.append("default ");
    }
    head.append(ruleRef(r.ref()));
    if (r.args() != null) {
      head.append('(');
      for (int i = 0; i < r.args().size(); i++) {
        head.append(i > 0 ? ", " : "").append(term(r.args().get(i), MEMBER));
      }
      head.append(')');
    }
    if (r.kind() == RuleKind.PARTIAL_SET) {
      head.append(" contains ").append(term(r.key(), MEMBER));
    } else if (!implicitTrue(r.value(), r.loc())) {
      head.append(r.assign() ? " := " : " = ").append(term(r.value(), MEMBER));
    }
    body(head, r.isDefault() ? null : r.body(), r.loc(), 0);
    for (Rule e = r.elseRule(); e != null; e = e.elseRule()) {
      StringBuilder eh = new StringBuilder("else");
      if (!implicitTrue(e.value(), e.loc())) {
        eh.append(e.assign() ? " := " : " = ").append(term(e.value(), MEMBER));
      }
      // after a closing brace, else continues its line (unless comments stand between them)
      int n = out.length();
      if (n >= 2 && out.charAt(n - 1) == '\n' && out.charAt(n - 2) == '}'
          && (comments.isEmpty() || comments.firstKey() >= e.loc().line())) {
        out.setLength(n - 1);
        out.append(' ');
      }
      body(eh, e.body(), e.loc(), 0);
    }
  }

  /** The value the parser fills in for a rule written without one. */
  private static boolean implicitTrue(Term value, Loc ruleLoc) {
    return value instanceof Scalar s && s.value() == BooleanValue.TRUE && s.loc().equals(ruleLoc);
  }

  private static boolean implicitBody(Body b, Loc ruleLoc) {
    return b == null || b.exprs().size() == 1 && b.exprs().get(0) instanceof TermExpr te && !te.negated()
        && te.withs().isEmpty() && te.term() instanceof Scalar s && s.value() == BooleanValue.TRUE
        && te.loc().equals(ruleLoc);
  }

  /** A head, then {@code if} and its body: one expression on the head's line, more in braces. */
  private void body(StringBuilder head, Body b, Loc headLoc, int indent) {
    if (implicitBody(b, headLoc)) {
      line(indent, head.toString(), headLoc.line());
      return;
    }
    if (b.exprs().size() == 1 && singleLine(b.exprs().get(0)) && !braced(b.exprs().get(0).loc())
        && !comments.containsKey(headLoc.line())) {
      line(indent, head + " if " + expr(b.exprs().get(0)), headLoc.line());
      return;
    }
    line(indent, head + " if {", headLoc.line());
    exprs(b, indent + 1);
    close(b, indent, "");
  }

  /**
   * The closing brace of a body: comments written before it stay inside, a comment after it
   * stays on its line.
   */
  private void close(Body b, int indent, String after) {
    int last = b.exprs().get(b.exprs().size() - 1).loc().line();
    int closing = 0;
    for (int l = last + 1; l <= source.length; l++) {
      String code = source[l - 1];
      int hash = comments.containsKey(l) ? code.lastIndexOf("#" + comments.get(l)) : -1;
      if ((hash >= 0 ? code.substring(0, hash) : code).strip().startsWith("}")) {
        closing = l;
        break;
      }
    }
    if (closing > 0) {
      comments(closing, indent + 1);
    }
    out.append("\t".repeat(indent)).append('}').append(after);
    if (closing > 0 && trailing.contains(closing) && comments.containsKey(closing) && after.isEmpty()) {
      out.append(" #").append(comments.remove(closing));
    }
    out.append('\n');
  }

  /** Whether the source has a brace before this first body expression (else it followed {@code if}). */
  private boolean braced(Loc first) {
    int line = first.line() - 1;
    int col = first.col() - 2;
    while (line >= 0 && line < source.length) {
      String s = source[line];
      for (int c = Math.min(col, s.length() - 1); c >= 0; c--) {
        char ch = s.charAt(c);
        if (!Character.isWhitespace(ch)) {
          return ch == '{';
        }
      }
      line--;
      col = Integer.MAX_VALUE;
    }
    return false;
  }

  private static boolean singleLine(Expr e) {
    return !(e instanceof Every);
  }

  private void exprs(Body b, int indent) {
    for (Expr e : b.exprs()) {
      depth = indent;
      if (e instanceof Every ev) {
        StringBuilder h = new StringBuilder(ev.negated() ? "not " : "").append("every ");
        if (ev.key() != null) {
          h.append(term(ev.key(), 0)).append(", ");
        }
        h.append(term(ev.value(), 0)).append(" in ").append(term(ev.domain(), 0)).append(" {");
        line(indent, h.toString(), ev.loc().line());
        exprs(ev.body(), indent + 1);
        depth = indent;
        close(ev.body(), indent, withs(ev.withs()));
      } else {
        line(indent, expr(e), e.loc().line());
      }
    }
  }

  private String ruleRef(List<Term> ref) {
    StringBuilder sb = new StringBuilder(((StringValue) ((Scalar) ref.get(0)).value()).value());
    for (int i = 1; i < ref.size(); i++) {
      pathSegment(sb, ref.get(i));
    }
    return sb.toString();
  }

  private void pathSegment(StringBuilder sb, Term seg) {
    if (seg instanceof Scalar s && s.value() instanceof StringValue sv) {
      segment(sb, sv.value());
    } else {
      sb.append('[').append(term(seg, MEMBER)).append(']');
    }
  }

  // ---- expressions and terms

  private String expr(Expr e) {
    String s = switch (e) {
      case TermExpr te -> (te.negated() ? "not " : "") + term(te.term(), UNIFY - 1);
      case SomeDecl sd -> {
        StringBuilder sb = new StringBuilder("some ");
        for (int i = 0; i < sd.vars().size(); i++) {
          sb.append(i > 0 ? ", " : "").append(term(sd.vars().get(i), 0));
        }
        yield sb.toString();
      }
      case SomeIn si -> (si.negated() ? "not " : "") + "some "
          + (si.key() == null ? "" : term(si.key(), 0) + ", ") + term(si.value(), 0) + " in " + term(si.collection(), 0);
      case Every ev -> throw new IllegalStateException("every is laid out by exprs");
    };
    return s + withs(e.withs());
  }

  private String withs(List<With> withs) {
    StringBuilder sb = new StringBuilder();
    for (With w : withs) {
      sb.append(" with ").append(term(w.target(), ATOM)).append(" as ").append(term(w.value(), 0));
    }
    return sb.toString();
  }

  private static int precedence(Term t) {
    if (t instanceof Call c && c.args().size() == 2) {
      Integer level = LEVEL.get(c.name());
      if (level != null) {
        return level;
      }
      if (c.name().equals("internal.member_2")) {
        return MEMBER;
      }
      if (c.name().equals("eq") || c.name().equals("assign")) {
        return UNIFY;
      }
    }
    return ATOM;
  }

  /**
   * A term where the context binds at least as tightly as {@code min}: looser terms get
   * parentheses. {@code UNIFY - 1} is a whole expression, where {@code k, v in xs} may stand.
   */
  private String term(Term t, int min) {
    int p = precedence(t);
    String s = bare(t, min);
    return p < Math.max(min, UNIFY) ? "(" + s + ")" : s;
  }

  private String bare(Term t, int min) {
    return switch (t) {
      case Scalar s -> scalar(s.value());
      case Var v -> v.isWildcard() && v.name().startsWith("$") ? "_" : v.name();
      case Ref r -> {
        StringBuilder sb = new StringBuilder(r.head() instanceof Var v ? bare(v, ATOM) : term(r.head(), ATOM));
        for (Term seg : r.path()) {
          pathSegment(sb, seg);
        }
        yield sb.toString();
      }
      case ArrayTerm a -> multiLine(a.loc(), a.items()) ? "[" + lines(a.items(), null) + "]" : "[" + list(a.items()) + "]";
      case SetTerm st -> st.items().isEmpty() ? "set()"
          : multiLine(st.loc(), st.items()) ? "{" + lines(st.items(), null) + "}" : "{" + list(st.items()) + "}";
      case ObjectTerm o -> {
        if (multiLine(o.loc(), o.keys())) {
          yield "{" + lines(o.keys(), o.values()) + "}";
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < o.keys().size(); i++) {
          sb.append(i > 0 ? ", " : "").append(term(o.keys().get(i), 0)).append(": ").append(term(o.values().get(i), MEMBER));
        }
        yield sb.append('}').toString();
      }
      case Call c -> call(c, min);
      case Compr c -> {
        String body = comprBody(c.body());
        yield switch (c.kind()) {
          case ARRAY -> "[" + term(c.value(), MEMBER) + " | " + body + "]";
          case SET -> "{" + term(c.value(), MEMBER) + " | " + body + "}";
          case OBJECT -> "{" + term(c.key(), 0) + ": " + term(c.value(), MEMBER) + " | " + body + "}";
        };
      }
    };
  }

  private String comprBody(Body b) {
    StringBuilder sb = new StringBuilder();
    for (Expr e : b.exprs()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      if (e instanceof Every ev) {
        StringBuilder h = new StringBuilder(ev.negated() ? "not " : "").append("every ");
        if (ev.key() != null) {
          h.append(term(ev.key(), 0)).append(", ");
        }
        h.append(term(ev.value(), 0)).append(" in ").append(term(ev.domain(), 0)).append(" { ")
            .append(comprBody(ev.body())).append(" }").append(withs(ev.withs()));
        sb.append(h);
      } else {
        sb.append(expr(e));
      }
    }
    return sb.toString();
  }

  /** Whether the source wrote a composite's elements over several lines: opa fmt keeps them one per line. */
  private static boolean multiLine(Loc open, List<Term> items) {
    for (Term t : items) {
      if (t.loc() != null && open != null && t.loc().line() != open.line()) {
        return true;
      }
    }
    return false;
  }

  /** Elements one per line, one level deeper, each followed by a comma. */
  private String lines(List<Term> items, List<Term> values) {
    int saved = depth;
    depth = saved + 1;
    StringBuilder sb = new StringBuilder("\n");
    String pad = "\t".repeat(depth);
    for (int i = 0; i < items.size(); i++) {
      sb.append(pad);
      if (values == null) {
        sb.append(term(items.get(i), MEMBER));
      } else {
        sb.append(term(items.get(i), 0)).append(": ").append(term(values.get(i), MEMBER));
      }
      sb.append(",\n");
    }
    depth = saved;
    return sb.append("\t".repeat(saved)).toString();
  }

  private String list(List<Term> items) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(term(items.get(i), MEMBER));
    }
    return sb.toString();
  }

  private String call(Call c, int min) {
    List<Term> a = c.args();
    String op = OPERATORS.get(c.name());
    if (op != null && a.size() == 2) {
      int level = LEVEL.get(c.name());
      return term(a.get(0), level) + " " + op + " " + term(a.get(1), level + 1);
    }
    if (a.size() == 2 && c.name().equals("internal.member_2")) {
      return term(a.get(0), MEMBER) + " in " + term(a.get(1), 0);
    }
    if (a.size() == 2 && (c.name().equals("eq") || c.name().equals("assign"))) {
      return term(a.get(0), MEMBER) + (c.name().equals("eq") ? " = " : " := ") + term(a.get(1), MEMBER);
    }
    if (a.size() == 3 && c.name().equals("internal.member_3") && min < UNIFY) {
      return term(a.get(0), 0) + ", " + term(a.get(1), 0) + " in " + term(a.get(2), 0);
    }
    if (!a.isEmpty() && a.get(0).loc() != null && c.loc() != null && a.get(0).loc().line() != c.loc().line()) {
      return c.name() + "(" + lines(a, null) + ")";
    }
    StringBuilder sb = new StringBuilder(c.name()).append('(');
    for (int i = 0; i < a.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(term(a.get(i), MEMBER));
    }
    return sb.append(')').toString();
  }

  private static String scalar(Value v) {
    return v.toJson();
  }
}
