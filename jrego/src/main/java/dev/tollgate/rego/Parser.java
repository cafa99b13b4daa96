package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Body;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Compr;
import dev.tollgate.rego.Ast.ComprKind;
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
import dev.tollgate.rego.Lexer.T;
import dev.tollgate.rego.Lexer.Tok;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.StringValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Recursive-descent parser for Rego v1 and v0 modules, queries and terms. */
final class Parser {
  static final int MAX_DEPTH = 200;
  private static final Set<String> ALL_KEYWORDS = Set.of("if", "contains", "in", "every");
  private static final Map<String, String> BIN_REL =
      Map.of("==", "equal", "!=", "neq", "<", "lt", "<=", "lte", ">", "gt", ">=", "gte");
  /** Binary operators by precedence, loosest first: {@code |}, {@code &}, relations, {@code + -}, {@code * / %}. */
  private static final List<Map<String, String>> BINARY_LEVELS = List.of(
      Map.of("|", "or"),
      Map.of("&", "and"),
      BIN_REL,
      Map.of("+", "plus", "-", "minus"),
      Map.of("*", "mul", "/", "div", "%", "rem"));

  private final String file;
  private final List<Tok> toks;
  private final Map<Integer, String> comments;
  private int p;
  private int depth;
  private int wildcards;
  private final boolean v1Syntax;
  private final Set<String> keywords = new HashSet<>();
  private boolean regoV1Import;

  private Parser(String file, String text, boolean v1) {
    this.file = file;
    Lexer lx = Lexer.lexer(file, text);
    this.toks = lx.tokens();
    this.comments = lx.comments;
    this.v1Syntax = v1;
    if (v1) {
      keywords.addAll(ALL_KEYWORDS);
    }
  }

  static Module parseModule(String file, String text, boolean v1) {
    return new Parser(file, text, v1).module(text);
  }

  static Body parseQuery(String text, boolean v1) {
    Parser ps = new Parser("query", text, true);
    if (!v1) {
      ps.keywords.clear();
      ps.keywords.addAll(ALL_KEYWORDS); // queries accept keywords in both modes
    }
    Body b = ps.body(null);
    if (ps.peek().type() != T.EOF) {
      throw ps.err("unexpected " + ps.peek(), ps.peek());
    }
    if (b.exprs().isEmpty()) {
      throw ps.err("empty query", ps.peek());
    }
    return b;
  }

  static Term parseTerm(String text) {
    Parser ps = new Parser("input", text, true);
    Term t = ps.exprTerm();
    if (ps.peek().type() != T.EOF) {
      throw ps.err("unexpected " + ps.peek(), ps.peek());
    }
    return t;
  }

  // ---- helpers

  private Tok peek() {
    return toks.get(p);
  }

  private Tok peek(int ahead) {
    return toks.get(Math.min(p + ahead, toks.size() - 1));
  }

  private Tok next() {
    Tok t = toks.get(p);
    if (t.type() != T.EOF) {
      p++;
    }
    return t;
  }

  private boolean at(String s) {
    Tok t = peek();
    return t.type() == T.PUNCT && t.text().equals(s);
  }

  private boolean atKw(String kw) {
    Tok t = peek();
    if (t.type() != T.IDENT || !t.text().equals(kw)) {
      return false;
    }
    return !ALL_KEYWORDS.contains(kw) || keywords.contains(kw);
  }

  private Tok expect(String s) {
    Tok t = peek();
    if (!(t.type() == T.PUNCT && t.text().equals(s))) {
      throw err("unexpected " + describe(t) + ", expected " + s, t);
    }
    return next();
  }

  private static String describe(Tok t) {
    return switch (t.type()) {
      case EOF -> "eof token";
      case IDENT -> "ident token";
      case STRING, RAWSTRING -> "string token";
      case NUMBER -> "number token";
      case PUNCT -> t.text() + " token";
    };
  }

  private Loc loc(Tok t) {
    return new Loc(file, t.line(), t.col());
  }

  RegoCompileException err(String msg, Tok t) {
    return new RegoCompileException(
        List.of(new RegoError("rego_parse_error", msg, file + ":" + t.line() + ":" + t.col())));
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw err("nesting depth exceeds " + MAX_DEPTH, peek());
    }
  }

  private boolean isKeyword(String s) {
    return s.equals("not") || s.equals("some") || s.equals("with") || s.equals("as")
        || s.equals("default") || s.equals("else") || s.equals("import") || s.equals("package")
        || keywords.contains(s);
  }

  // ---- modules

  private Module module(String text) {
    Tok pk = peek();
    if (!(pk.type() == T.IDENT && pk.text().equals("package"))) {
      throw err("package expected", pk);
    }
    next();
    List<String> pkg = new ArrayList<>();
    Term pref = refOnly();
    for (Term t : refPath(pref)) {
      if (t instanceof Scalar s && s.value() instanceof StringValue sv) {
        pkg.add(sv.value());
      } else {
        throw err("invalid package path", pk);
      }
    }
    List<Import> imports = new ArrayList<>();
    while (peek().type() == T.IDENT && peek().text().equals("import")) {
      Tok it = next();
      Term r = refOnly();
      List<String> path = new ArrayList<>();
      for (Term t : refPath(r)) {
        if (t instanceof Scalar s && s.value() instanceof StringValue sv) {
          path.add(sv.value());
        } else {
          throw err("invalid import path", it);
        }
      }
      String alias = null;
      if (peek().type() == T.IDENT && peek().text().equals("as")) {
        next();
        Tok a = next();
        if (a.type() != T.IDENT) {
          throw err("unexpected " + describe(a) + ", expected alias", a);
        }
        alias = a.text();
      }
      String root = path.get(0);
      if (root.equals("future")) {
        if (path.size() < 2 || !path.get(1).equals("keywords")) {
          throw err("invalid import, must be `future.keywords`", it);
        }
        if (path.size() == 2) {
          keywords.addAll(ALL_KEYWORDS);
        } else if (path.size() == 3 && ALL_KEYWORDS.contains(path.get(2))) {
          keywords.add(path.get(2));
          if (path.get(2).equals("every")) {
            keywords.add("in");
          }
        } else {
          throw err("unexpected keyword, must be one of [contains every if in]", it);
        }
      } else if (root.equals("rego")) {
        if (path.size() == 2 && path.get(1).equals("v1")) {
          keywords.addAll(ALL_KEYWORDS);
          regoV1Import = true;
        } else {
          throw err("invalid import `" + String.join(".", path) + "`, must be `rego.v1`", it);
        }
      } else if (!root.equals("data") && !root.equals("input")) {
        throw err("unexpected import path, must begin with one of: {data, input, future, rego}", it);
      }
      imports.add(new Import(loc(it), path, alias));
    }
    List<Rule> rules = new ArrayList<>();
    while (peek().type() != T.EOF) {
      rules.addAll(rule());
    }
    return new Module(file, loc(pk), pkg, imports, rules, text, Annotations.collect(file, comments));
  }

  private boolean strictV1() {
    return v1Syntax || regoV1Import;
  }

  /** A plain reference used by package and import. */
  private Term refOnly() {
    Tok t = next();
    if (t.type() != T.IDENT) {
      throw err("unexpected " + describe(t) + ", expected ident", t);
    }
    Term head = new Var(loc(t), t.text());
    List<Term> path = new ArrayList<>();
    while (true) {
      if (at(".")) {
        next();
        Tok id = next();
        if (id.type() != T.IDENT) {
          throw err("unexpected " + describe(id) + ", expected ident", id);
        }
        path.add(new Scalar(loc(id), StringValue.of(id.text())));
      } else if (at("[") && !peek().nlBefore()) {
        next();
        Tok s = next();
        if (s.type() != T.STRING && s.type() != T.RAWSTRING) {
          throw err("unexpected " + describe(s) + ", expected string", s);
        }
        path.add(new Scalar(loc(s), StringValue.of(s.text())));
        expect("]");
      } else {
        break;
      }
    }
    return path.isEmpty() ? head : new Ref(loc(t), head, path);
  }

  private static List<Term> refPath(Term t) {
    List<Term> out = new ArrayList<>();
    if (t instanceof Var v) {
      out.add(new Scalar(v.loc(), StringValue.of(v.name())));
    } else if (t instanceof Ref r && r.head() instanceof Var v) {
      out.add(new Scalar(v.loc(), StringValue.of(v.name())));
      out.addAll(r.path());
    }
    return out;
  }

  private List<Rule> rule() {
    Tok start = peek();
    boolean isDefault = false;
    if (start.type() == T.IDENT && start.text().equals("default")) {
      next();
      isDefault = true;
    }
    Tok nameTok = peek();
    if (nameTok.type() != T.IDENT || isKeyword(nameTok.text())) {
      throw err("unexpected " + describe(nameTok) + (nameTok.type() == T.IDENT ? " " + nameTok.text() : ""), nameTok);
    }
    if (nameTok.text().equals("true") || nameTok.text().equals("false") || nameTok.text().equals("null")) {
      throw err("unexpected " + nameTok.text() + " keyword", nameTok);
    }
    next();
    List<Term> ref = new ArrayList<>();
    ref.add(new Scalar(loc(nameTok), StringValue.of(nameTok.text())));
    boolean lastBracket = false;
    while (true) {
      if (at(".") ) {
        next();
        Tok id = next();
        if (id.type() != T.IDENT) {
          throw err("unexpected " + describe(id) + ", expected ident", id);
        }
        ref.add(new Scalar(loc(id), StringValue.of(id.text())));
        lastBracket = false;
      } else if (at("[") && !peek().nlBefore()) {
        next();
        ref.add(exprTerm());
        expect("]");
        lastBracket = true;
      } else {
        break;
      }
    }
    Loc rloc = loc(isDefault ? start : nameTok);
    List<Term> args = null;
    if (at("(") && !peek().nlBefore()) {
      next();
      args = new ArrayList<>();
      if (!at(")")) {
        args.add(exprTerm());
        while (at(",")) {
          next();
          args.add(exprTerm());
        }
      }
      expect(")");
    }
    Term key = null;
    Term value = null;
    boolean assign = false;
    RuleKind kind;
    if (atKw("contains")) {
      next();
      key = exprTerm();
      kind = RuleKind.PARTIAL_SET;
    } else {
      if (at(":=") || at("=")) {
        assign = next().text().equals(":=");
        value = exprTerm();
      }
      if (args != null) {
        kind = RuleKind.FUNCTION;
      } else if (value == null && lastBracket && ref.size() == 2 && !strictV1()) {
        kind = RuleKind.PARTIAL_SET;
        key = ref.remove(ref.size() - 1);
      } else {
        kind = RuleKind.COMPLETE;
        for (int i = 1; i < ref.size(); i++) {
          if (!(ref.get(i) instanceof Scalar)) {
            kind = RuleKind.PARTIAL_OBJECT;
          }
        }
      }
    }
    if (isDefault) {
      if (value == null) {
        throw err("default rules must have a value", nameTok);
      }
      if (kind == RuleKind.PARTIAL_SET || kind == RuleKind.PARTIAL_OBJECT) {
        throw err("default rules must not have a variable in their head", nameTok);
      }
      return List.of(new Rule(rloc, kind, ref, args, null, value, null, null, true, assign));
    }
    Body body;
    Tok bt = peek();
    if (atKw("if")) {
      next();
      if (at("{")) {
        body = braceOrTermBody();
      } else {
        Tok t = peek();
        body = new Body(loc(t), List.of(literal()));
      }
    } else if (at("{") ) {
      if (strictV1()) {
        throw err("`if` keyword is required before rule body", bt);
      }
      body = braceBody();
    } else {
      // a bare name is not a rule; a bare ref with brackets is a rule with value true
      if (value == null && key == null && args == null && kind != RuleKind.PARTIAL_SET && ref.size() == 1) {
        throw err("rule must have a value or body", nameTok);
      }
      body = new Body(rloc, List.of(new TermExpr(rloc, false, new Scalar(rloc, BooleanValue.TRUE), List.of())));
    }
    if (value == null && kind != RuleKind.PARTIAL_SET) {
      value = new Scalar(rloc, BooleanValue.TRUE);
    }
    if (kind == RuleKind.PARTIAL_SET && value != null) {
      throw err("unexpected assignment in partial set rule", nameTok);
    }
    // else chain
    Rule elseRule = null;
    List<Rule> elses = new ArrayList<>();
    while (peek().type() == T.IDENT && peek().text().equals("else")) {
      Tok et = next();
      if (kind == RuleKind.PARTIAL_SET || kind == RuleKind.PARTIAL_OBJECT) {
        throw err("else keyword cannot be used on multi-value rules", et);
      }
      Term ev = null;
      boolean eassign = false;
      if (at(":=") || at("=")) {
        eassign = next().text().equals(":=");
        ev = exprTerm();
      }
      Body eb;
      if (atKw("if")) {
        next();
        eb = at("{") ? braceBody() : new Body(loc(peek()), List.of(literal()));
      } else if (at("{")) {
        if (strictV1()) {
          throw err("`if` keyword is required before rule body", peek());
        }
        eb = braceBody();
      } else {
        Loc l = loc(et);
        eb = new Body(l, List.of(new TermExpr(l, false, new Scalar(l, BooleanValue.TRUE), List.of())));
      }
      if (ev == null) {
        ev = new Scalar(loc(et), BooleanValue.TRUE);
      }
      elses.add(new Rule(loc(et), kind, ref, args, null, ev, eb, null, false, eassign));
    }
    for (int i = elses.size() - 1; i >= 0; i--) {
      Rule e = elses.get(i);
      elseRule = new Rule(e.loc(), e.kind(), e.ref(), e.args(), null, e.value(), e.body(), elseRule, false, e.assign());
    }
    List<Rule> out = new ArrayList<>();
    out.add(new Rule(rloc, kind, ref, args, key, value, body, elseRule, false, assign));
    // v0 allows several bodies for one head: p { a } { b }
    while (!strictV1() && at("{") && elses.isEmpty()) {
      out.add(new Rule(rloc, kind, ref, args, key, value, braceBody(), null, false, assign));
    }
    return out;
  }

  /** After {@code if}, a brace opens a body unless it only parses as a term (a comprehension). */
  private Body braceOrTermBody() {
    int save = p;
    int savedDepth = depth;
    try {
      return braceBody();
    } catch (RegoCompileException e) {
      p = save;
      depth = savedDepth;
      try {
        Tok t = peek();
        return new Body(loc(t), List.of(literal()));
      } catch (RegoCompileException e2) {
        throw e;
      }
    }
  }

  private Body braceBody() {
    Tok open = expect("{");
    enter();
    Body b = body("}");
    depth--;
    expect("}");
    if (b.exprs().isEmpty()) {
      throw err("found empty body", open);
    }
    return b;
  }

  /** Literals separated by ';' or newlines, up to {@code close} (or EOF when null). */
  private Body body(String close) {
    Tok first = peek();
    List<Expr> exprs = new ArrayList<>();
    while (true) {
      if (close != null && at(close)) {
        break;
      }
      if (peek().type() == T.EOF) {
        if (close != null) {
          throw err("unexpected eof token, expected " + close, peek());
        }
        break;
      }
      exprs.add(literal());
      if (at(";")) {
        next();
        continue;
      }
      if ((close != null && at(close)) || peek().type() == T.EOF || peek().nlBefore()) {
        continue;
      }
      throw err("unexpected " + describe(peek()) + (peek().type() == T.IDENT ? " " + peek().text() : ""), peek());
    }
    return new Body(loc(first), exprs);
  }

  private Expr literal() {
    Tok t = peek();
    Loc l = loc(t);
    boolean negated = false;
    Expr e;
    if (t.type() == T.IDENT && t.text().equals("some")) {
      next();
      e = some(l);
    } else if (atKw("every")) {
      next();
      e = every(l, false);
    } else {
      if (t.type() == T.IDENT && t.text().equals("not")) {
        next();
        negated = true;
        if (atKw("every")) {
          throw err("unexpected every keyword", peek());
        }
      }
      Term term = literalTerm();
      e = new TermExpr(l, negated, term, List.of());
    }
    List<With> withs = new ArrayList<>();
    while (peek().type() == T.IDENT && peek().text().equals("with")) {
      Tok wt = next();
      Term target = refOrVar();
      Tok as = next();
      if (!(as.type() == T.IDENT && as.text().equals("as"))) {
        throw err("unexpected " + describe(as) + ", expected as", as);
      }
      Term value = orTerm();
      withs.add(new With(loc(wt), target, value));
    }
    if (!withs.isEmpty()) {
      e = switch (e) {
        case TermExpr te -> new TermExpr(te.loc(), te.negated(), te.term(), withs);
        case SomeDecl sd -> throw err("with keyword cannot be used on some declarations", t);
        case SomeIn si -> new SomeIn(si.loc(), si.key(), si.value(), si.collection(), si.negated(), withs);
        case Every ev -> new Every(ev.loc(), ev.key(), ev.value(), ev.domain(), ev.body(), ev.negated(), withs);
      };
    }
    return e;
  }

  private Term refOrVar() {
    Tok t = peek();
    if (t.type() != T.IDENT) {
      throw err("unexpected " + describe(t) + ", expected ref", t);
    }
    return primary();
  }

  private Expr some(Loc l) {
    List<Term> terms = new ArrayList<>();
    terms.add(orTerm());
    while (at(",")) {
      next();
      terms.add(orTerm());
    }
    if (atKw("in")) {
      next();
      if (terms.size() > 2) {
        throw err("unexpected , token", peek());
      }
      Term coll = orTerm();
      return terms.size() == 2
          ? new SomeIn(l, terms.get(0), terms.get(1), coll, false, List.of())
          : new SomeIn(l, null, terms.get(0), coll, false, List.of());
    }
    List<Var> vars = new ArrayList<>();
    for (Term tm : terms) {
      if (tm instanceof Var v && !isKeyword(v.name())) {
        vars.add(v);
      } else {
        throw new RegoCompileException(List.of(new RegoError("rego_parse_error",
            "expected var in some declaration", tm.loc().toString())));
      }
    }
    return new SomeDecl(l, vars, false, List.of());
  }

  private Expr every(Loc l, boolean negated) {
    Term a = orTerm();
    Term b = null;
    if (at(",")) {
      next();
      b = orTerm();
    }
    if (!atKw("in")) {
      throw err("unexpected " + describe(peek()) + ", expected in", peek());
    }
    next();
    Term dom = orTerm();
    if (!at("{")) {
      throw err("unexpected " + describe(peek()) + ", expected {", peek());
    }
    Body body = braceBody();
    return b == null ? new Every(l, null, a, dom, body, negated, List.of()) : new Every(l, a, b, dom, body, negated, List.of());
  }

  /** An expression term: handles {@code k, v in xs}, {@code :=} and {@code =}. */
  private Term literalTerm() {
    Term first = orTerm();
    if (at(",") && keywords.contains("in")) {
      int save = p;
      next();
      Term second = orTerm();
      if (atKw("in")) {
        Tok it = next();
        Term coll = orTerm();
        first = call(loc(it), "internal.member_3", first, second, coll);
      } else {
        p = save;
        return first;
      }
    }
    first = inTail(first);
    if ((at(":=") || at("=")) && !peek().nlBefore()) {
      Tok op = next();
      Term rhs = orTerm();
      if (at(",") && keywords.contains("in")) {
        next();
        Term second = orTerm();
        if (!atKw("in")) {
          throw err("unexpected " + describe(peek()) + ", expected in", peek());
        }
        Tok it = next();
        rhs = call(loc(it), "internal.member_3", rhs, second, orTerm());
      }
      rhs = inTail(rhs);
      return call(loc(op), op.text().equals(":=") ? "assign" : "eq", first, rhs);
    }
    return first;
  }

  /** A full expression term (used inside parentheses, args, brackets). */
  private Term exprTerm() {
    return assignTail(inTail(orTerm()));
  }

  private Term assignTail(Term lhs) {
    if ((at(":=") || at("=")) && !peek().nlBefore()) {
      Tok op = next();
      Term rhs = inTail(orTerm());
      return call(loc(op), op.text().equals(":=") ? "assign" : "eq", lhs, rhs);
    }
    return lhs;
  }

  private Term inTail(Term lhs) {
    while (atKw("in") && !peek().nlBefore()) {
      next();
      Term rhs = orTerm();
      lhs = call(lhs.loc(), "internal.member_2", lhs, rhs);
    }
    return lhs;
  }

  private static Call call(Loc l, String name, Term... args) {
    return new Call(l, name, List.of(args), null);
  }

  private Term orTerm() {
    return binary(0);
  }

  private Term andTerm() {
    return binary(1);
  }

  /**
   * The binary operators of precedence level {@code level} and above (see {@link #BINARY_LEVELS}),
   * each level's operands joined left to right. One method, not one per level, so a nested
   * expression costs no more stack than the levels it passes.
   */
  private Term binary(int level) {
    if (level == BINARY_LEVELS.size()) {
      return unary();
    }
    Map<String, String> ops = BINARY_LEVELS.get(level);
    Term lhs = binary(level + 1);
    while (peek().type() == T.PUNCT && ops.containsKey(peek().text()) && !peek().nlBefore()) {
      String op = ops.get(next().text());
      lhs = call(lhs.loc(), op, lhs, binary(level + 1));
    }
    return lhs;
  }

  private Term unary() {
    if (at("-")) {
      Tok m = next();
      Tok n = peek();
      if (n.type() == T.NUMBER && n.line() == m.line() && n.col() == m.col() + 1) {
        next();
        Term num = number(n, "-" + n.text(), loc(m));
        return suffixes(num);
      }
      enter();
      Term operand = unary();
      depth--;
      return call(loc(m), "minus", new Scalar(loc(m), NumberValue.ZERO), operand);
    }
    return primary();
  }

  private Term number(Tok t, String text, Loc l) {
    try {
      return new Scalar(l, NumberValue.parse(text));
    } catch (NumberFormatException | ArithmeticException e) {
      throw err("invalid number " + text, t);
    }
  }

  private Term primary() {
    enter();
    try {
      Tok t = next();
      Loc l = loc(t);
      Term base;
      switch (t.type()) {
        case NUMBER -> base = number(t, t.text(), l);
        case STRING, RAWSTRING -> base = new Scalar(l, StringValue.of(t.text()));
        case IDENT -> {
          switch (t.text()) {
            case "true" -> base = new Scalar(l, BooleanValue.TRUE);
            case "false" -> base = new Scalar(l, BooleanValue.FALSE);
            case "null" -> base = new Scalar(l, NullValue.INSTANCE);
            default -> {
              if (isKeyword(t.text()) && !(t.text().equals("contains") && at("(") && !peek().nlBefore())) {
                throw err("unexpected " + t.text() + " keyword", t);
              }
              if (t.text().equals("set") && at("(") && peek(1).is(")") && !peek().nlBefore()) {
                next();
                next();
                base = new SetTerm(l, List.of());
              } else {
                String name = t.text();
                if (name.equals("_")) {
                  name = "$" + (wildcards++);
                }
                base = new Var(l, name);
              }
            }
          }
        }
        case PUNCT -> {
          switch (t.text()) {
            case "[" -> base = arrayOrCompr(l);
            case "{" -> base = braceTerm(l);
            case "(" -> {
              base = literalTerm();
              expect(")");
            }
            default -> throw err("unexpected " + describe(t), t);
          }
        }
        default -> throw err("unexpected " + describe(t), t);
      }
      return suffixes(base);
    } finally {
      depth--;
    }
  }

  /** Reference segments and calls following a term. */
  private Term suffixes(Term base) {
    while (true) {
      if (at(".") && (peek(1).type() == T.IDENT)) {
        if (base instanceof Scalar) {
          break;
        }
        next();
        Tok id = next();
        base = appendRef(base, new Scalar(loc(id), StringValue.of(id.text())));
      } else if (at("[") && !peek().nlBefore()) {
        if (base instanceof Scalar) {
          break;
        }
        next();
        Term k = exprTerm();
        expect("]");
        base = appendRef(base, k);
      } else if (at("(") && !peek().nlBefore()) {
        String name = callName(base);
        if (name == null) {
          throw err("unexpected ( token", peek());
        }
        Tok open = next();
        List<Term> args = new ArrayList<>();
        if (!at(")")) {
          args.add(exprTerm());
          while (at(",")) {
            next();
            if (at(")")) {
              break; // a trailing comma, as OPA allows
            }
            args.add(exprTerm());
          }
        }
        expect(")");
        base = new Call(base.loc(), name, args, null);
      } else {
        break;
      }
    }
    return base;
  }

  private static Term appendRef(Term base, Term seg) {
    if (base instanceof Ref r) {
      List<Term> path = new ArrayList<>(r.path());
      path.add(seg);
      return new Ref(r.loc(), r.head(), path);
    }
    return new Ref(base.loc(), base, List.of(seg));
  }

  private static String callName(Term t) {
    if (t instanceof Var v) {
      return v.name().startsWith("$") ? null : v.name();
    }
    if (t instanceof Ref r && r.head() instanceof Var v) {
      StringBuilder sb = new StringBuilder(v.name());
      for (Term s : r.path()) {
        if (s instanceof Scalar sc && sc.value() instanceof StringValue sv && isIdent(sv.value())) {
          sb.append('.').append(sv.value());
        } else {
          return null;
        }
      }
      return sb.toString();
    }
    return null;
  }

  private static boolean isIdent(String s) {
    if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (!(Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        return false;
      }
    }
    return true;
  }

  private Term arrayOrCompr(Loc l) {
    if (at("]")) {
      next();
      return new ArrayTerm(l, List.of());
    }
    Term first = inTail(andTerm());
    if (at("|")) {
      return new Compr(l, ComprKind.ARRAY, null, first, comprBody("]"));
    }
    first = assignTail(orTail(first));
    List<Term> items = new ArrayList<>();
    items.add(first);
    while (at(",")) {
      next();
      if (at("]")) {
        break;
      }
      items.add(exprTerm());
    }
    expect("]");
    return new ArrayTerm(l, items);
  }

  private Term orTail(Term lhs) {
    while (at("|") && !peek().nlBefore()) {
      next();
      lhs = call(lhs.loc(), "or", lhs, andTerm());
    }
    return lhs;
  }

  /** A comprehension's body after its {@code |}, through the closing bracket; never empty. */
  private Body comprBody(String close) {
    next();
    Body b = body(close);
    expect(close);
    if (b.exprs().isEmpty()) {
      throw err("found empty body", peek());
    }
    return b;
  }

  private Term braceTerm(Loc l) {
    if (at("}")) {
      next();
      return new ObjectTerm(l, List.of(), List.of());
    }
    Term first = inTail(andTerm());
    if (at(":")) {
      next();
      Term v = inTail(andTerm());
      if (at("|")) {
        return new Compr(l, ComprKind.OBJECT, first, v, comprBody("}"));
      }
      List<Term> keys = new ArrayList<>();
      List<Term> vals = new ArrayList<>();
      keys.add(first);
      vals.add(assignTail(orTail(v)));
      while (at(",")) {
        next();
        if (at("}")) {
          break;
        }
        keys.add(exprTerm());
        expect(":");
        vals.add(exprTerm());
      }
      expect("}");
      return new ObjectTerm(l, keys, vals);
    }
    if (at("|")) {
      return new Compr(l, ComprKind.SET, null, first, comprBody("}"));
    }
    List<Term> items = new ArrayList<>();
    items.add(assignTail(orTail(first)));
    while (at(",")) {
      next();
      if (at("}")) {
        break;
      }
      items.add(exprTerm());
    }
    expect("}");
    return new SetTerm(l, items);
  }
}
