package dev.tollgate.rego;

import dev.tollgate.rego.value.Value;
import java.util.List;

/** The syntax tree of Rego modules and queries. */
final class Ast {
  private Ast() {}

  /** A position in a source text. */
  record Loc(String file, int line, int col) {
    @Override
    public String toString() {
      return file + ":" + line + ":" + col;
    }
  }

  sealed interface Term permits Scalar, Var, Ref, ArrayTerm, ObjectTerm, SetTerm, Call, Compr {
    Loc loc();
  }

  record Scalar(Loc loc, Value value) implements Term {}

  /**
   * A variable. {@code slot} is assigned by the compiler: the index in the evaluation frame, or
   * -1 before compilation.
   */
  record Var(Loc loc, String name, int slot) implements Term {
    Var(Loc loc, String name) {
      this(loc, name, -1);
    }

    boolean isWildcard() {
      return name.startsWith("$") || name.equals("_");
    }
  }

  /**
   * {@code head.path[0].path[1]...}; the head is a Var (data, input, a local) or any term. For a
   * reference into data whose constant prefix reaches rules, the compiler records that rule node
   * and how many path segments lead to it, so evaluation need not walk the tree.
   */
  static final class Ref implements Term {
    private final Loc loc;
    private final Term head;
    private final List<Term> path;
    private final Plan.Node ruleNode;
    private final int ruleDepth;
    /** Rooted at input or data with only constant segments: always has at most one value. */
    private final boolean ground;
    /**
     * For a reference into data: the base document its leading constant segments reach when no
     * rule lies on or below them, found on first evaluation (see Eval.basePrefix).
     */
    volatile BasePrefix basePrefix;

    /** {@code length} leading segments lead to {@code value} (null: undefined); length 0: none do. */
    record BasePrefix(int length, Value value) {}

    Ref(Loc loc, Term head, List<Term> path, Plan.Node ruleNode, int ruleDepth) {
      this.loc = loc;
      this.head = head;
      this.path = List.copyOf(path);
      this.ruleNode = ruleNode;
      this.ruleDepth = ruleDepth;
      boolean g = head instanceof Var v && v.slot() < -1;
      for (Term t : this.path) {
        g &= t instanceof Scalar;
      }
      this.ground = g;
    }

    Ref(Loc loc, Term head, List<Term> path) {
      this(loc, head, path, null, 0);
    }

    @Override
    public Loc loc() {
      return loc;
    }

    Term head() {
      return head;
    }

    List<Term> path() {
      return path;
    }

    Plan.Node ruleNode() {
      return ruleNode;
    }

    int ruleDepth() {
      return ruleDepth;
    }

    boolean ground() {
      return ground;
    }

    @Override
    public String toString() {
      return "Ref[" + head + path + "]";
    }
  }

  record ArrayTerm(Loc loc, List<Term> items) implements Term {}

  record ObjectTerm(Loc loc, List<Term> keys, List<Term> values) implements Term {}

  record SetTerm(Loc loc, List<Term> items) implements Term {}

  /**
   * A call of a built-in or function; {@code name} is the dotted name as written (for functions
   * resolved to the full data path by the compiler). {@code target} is filled by the compiler.
   */
  record Call(Loc loc, String name, List<Term> args, Plan.Target target) implements Term {}

  enum ComprKind {
    ARRAY,
    SET,
    OBJECT
  }

  record Compr(Loc loc, ComprKind kind, Term key, Term value, Body body) implements Term {}

  record With(Loc loc, Term target, Term value) {}

  sealed interface Expr permits TermExpr, SomeDecl, SomeIn, Every {
    Loc loc();

    boolean negated();

    List<With> withs();
  }

  /** A term used as an expression (calls, including {@code eq}, {@code assign}, etc). */
  record TermExpr(Loc loc, boolean negated, Term term, List<With> withs) implements Expr {}

  record SomeDecl(Loc loc, List<Var> vars, boolean negated, List<With> withs) implements Expr {}

  /** {@code some k, v in coll} ({@code key} may be null). */
  record SomeIn(Loc loc, Term key, Term value, Term collection, boolean negated, List<With> withs)
      implements Expr {}

  record Every(Loc loc, Term key, Term value, Term domain, Body body, boolean negated, List<With> withs)
      implements Expr {}

  /** Expressions of a body, also held as an array for evaluation. */
  static final class Body {
    private final Loc loc;
    private final List<Expr> exprs;
    private final Expr[] array;

    Body(Loc loc, List<Expr> exprs) {
      this.loc = loc;
      this.exprs = List.copyOf(exprs);
      this.array = exprs.toArray(new Expr[0]);
    }

    Loc loc() {
      return loc;
    }

    List<Expr> exprs() {
      return exprs;
    }

    /** Shared array: callers must not modify it. */
    Expr[] array() {
      return array;
    }
  }

  enum RuleKind {
    COMPLETE,
    PARTIAL_SET,
    /** A rule whose head ref ends in non-constant segments: builds an object. */
    PARTIAL_OBJECT,
    FUNCTION
  }

  /**
   * A rule. {@code ref} is the head reference (first element the rule name as a string scalar,
   * then further segments); {@code key} is the set element for partial sets.
   */
  record Rule(
      Loc loc,
      RuleKind kind,
      List<Term> ref,
      List<Term> args,
      Term key,
      Term value,
      Body body,
      Rule elseRule,
      boolean isDefault,
      boolean assign) {}

  record Import(Loc loc, List<String> path, String alias) {}

  /**
   * A parsed module. {@code annotations} maps the line where a rule (or the package) starts to
   * its METADATA annotations.
   */
  record Module(String file, Loc loc, List<String> pkg, List<Import> imports, List<Rule> rules, String text,
      java.util.Map<Integer, Value> annotations) {}
}
