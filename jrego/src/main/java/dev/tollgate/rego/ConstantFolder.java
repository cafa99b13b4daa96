package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Compr;
import dev.tollgate.rego.Ast.Every;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.ObjectTerm;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.Scalar;
import dev.tollgate.rego.Ast.SetTerm;
import dev.tollgate.rego.Ast.SomeDecl;
import dev.tollgate.rego.Ast.SomeIn;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.Var;
import dev.tollgate.rego.Plan.CRule;
import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.Plan.Special;
import dev.tollgate.rego.Plan.Target;
import dev.tollgate.rego.builtins.Builtin;
import dev.tollgate.rego.builtins.BuiltinRegistry;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The compile stage that does once per policy revision what would otherwise be done on every
 * evaluation:
 *
 * <ul>
 *   <li>Array, set and object literals whose members are all constants become one constant
 *       value ({@code {"GET", "HEAD"}}, {@code ["/"]}), built here instead of per evaluation.
 *   <li>A call of a pure standard built-in whose operands can only be constants or base documents
 *       of {@code data} (directly, or through variables the rule body assigned from them) gets a
 *       {@link CallSiteMemo}: {@code json.marshal(data.jwt.jwks)} serialises once per policy
 *       instead of once per request.
 * </ul>
 *
 * Built-ins are not evaluated here: a {@code with} may replace one at evaluation time, and the
 * memo is only reached when none does. Non-deterministic built-ins ({@code time.now_ns},
 * {@code http.send}, {@code rand.intn}, ...) and those that read the clock or host settings are
 * never memoised.
 */
final class ConstantFolder {
  /** Deterministic by declaration, but they read the evaluation's clock or host settings. */
  static final Set<String> CONTEXT_DEPENDENT = Set.of(
      "crypto.x509.parse_and_verify_certificates",
      "crypto.x509.parse_and_verify_certificates_with_options",
      "net.cidr_expand");

  private final Node root;
  private final java.util.IdentityHashMap<CRule, Boolean> done = new java.util.IdentityHashMap<>();

  private ConstantFolder(Node root) {
    this.root = root;
  }

  /** Rewrites every rule reachable from {@code root} in place. */
  static void fold(Node root, List<CRule> rules) {
    ConstantFolder f = new ConstantFolder(root);
    for (CRule r : rules) {
      for (CRule c = r; c != null; c = c.elseRule) {
        f.rule(c);
        // a value folded to a constant lets evaluation stop at the body's first solution
        c.constValue = c.value instanceof Scalar && c.suffix == null && c.key == null;
      }
    }
    markConstValued(root);
  }

  private static void markConstValued(Node n) {
    boolean all = !n.funcs.isEmpty();
    for (CRule f : n.funcs) {
      for (CRule c = f; c != null; c = c.elseRule) {
        all &= c.value instanceof Scalar;
      }
    }
    n.constValued = all;
    for (Node c : n.children.values()) {
      markConstValued(c);
    }
  }

  /** Whether calls of {@code b} may be answered from a {@link CallSiteMemo}. */
  static boolean memoisable(Builtin b) {
    return b != null && !b.nondeterministic() && !b.relation() && b.arity() > 0
        && !CONTEXT_DEPENDENT.contains(b.name())
        && BuiltinRegistry.standard().get(b.name()) == b;
  }

  private void rule(CRule r) {
    if (done.put(r, Boolean.TRUE) != null) {
      return;
    }
    BitSet stable = new BitSet();
    if (r.body != null) {
      r.body = body(r.body, stable);
    }
    if (r.value != null) {
      r.value = term(r.value, stable);
    }
    if (r.key != null) {
      r.key = term(r.key, stable);
    }
    if (r.suffix != null) {
      for (int i = 0; i < r.suffix.length; i++) {
        r.suffix[i] = term(r.suffix[i], stable);
      }
    }
  }

  /**
   * Folds a body's expressions in evaluation order; {@code stable} holds the slots bound (so far)
   * to values that are the same objects on every evaluation.
   */
  private Expr[] body(Expr[] exprs, BitSet stable) {
    Expr[] out = exprs.clone();
    BitSet seen = new BitSet();
    for (int i = 0; i < out.length; i++) {
      Expr e = out[i];
      if (!e.withs().isEmpty()) {
        // with changes what terms mean: leave the expression as written
        vars(e, seen);
        continue;
      }
      out[i] = expr(e, stable);
      if (out[i] instanceof TermExpr te && !te.negated() && te.term() instanceof Call c && c.target() != null
          && (c.target().special() == Special.ASSIGN || c.target().special() == Special.EQ)) {
        Term a = c.args().get(0);
        Term b = c.args().get(1);
        if (a instanceof Var v && v.slot() >= 0 && !seen.get(v.slot()) && stable(b, stable)) {
          stable.set(v.slot());
        } else if (b instanceof Var v && v.slot() >= 0 && !seen.get(v.slot()) && stable(a, stable)) {
          stable.set(v.slot());
        }
      }
      vars(out[i], seen);
    }
    return out;
  }

  private Expr expr(Expr e, BitSet stable) {
    return switch (e) {
      case TermExpr te -> {
        Term t = term(te.term(), stable);
        yield t == te.term() ? te : new TermExpr(te.loc(), te.negated(), t, te.withs());
      }
      case SomeIn si -> {
        Term coll = term(si.collection(), stable);
        yield coll == si.collection() ? si
            : new SomeIn(si.loc(), si.key(), si.value(), coll, si.negated(), si.withs());
      }
      case Every ev -> {
        Term domain = term(ev.domain(), stable);
        Expr[] inner = body(ev.body().array(), (BitSet) stable.clone());
        yield new Every(ev.loc(), ev.key(), ev.value(), domain, new Ast.Body(ev.body().loc(), List.of(inner)),
            ev.negated(), ev.withs());
      }
      case SomeDecl sd -> sd;
    };
  }

  private Term term(Term t, BitSet stable) {
    switch (t) {
      case ArrayTerm a -> {
        List<Term> items = terms(a.items(), stable);
        Value[] vs = constants(items);
        if (vs != null) {
          return new Scalar(a.loc(), ArrayValue.wrap(vs));
        }
        return items == a.items() ? a : new ArrayTerm(a.loc(), items);
      }
      case SetTerm s -> {
        List<Term> items = terms(s.items(), stable);
        Value[] vs = constants(items);
        if (vs != null) {
          return new Scalar(s.loc(), SetValue.of(vs));
        }
        return items == s.items() ? s : new SetTerm(s.loc(), items);
      }
      case ObjectTerm o -> {
        List<Term> keys = terms(o.keys(), stable);
        List<Term> values = terms(o.values(), stable);
        Value[] ks = constants(keys);
        Value[] vs = constants(values);
        if (ks != null && vs != null) {
          LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
          for (int i = 0; i < ks.length; i++) {
            m.put(ks[i], vs[i]);
          }
          return new Scalar(o.loc(), ObjectValue.of(m));
        }
        return keys == o.keys() && values == o.values() ? o : new ObjectTerm(o.loc(), keys, values);
      }
      case Call c -> {
        List<Term> args = terms(c.args(), stable);
        Target tg = c.target();
        if (tg != null && tg.special() == Special.NONE && memoisable(tg.builtin())
            && args.size() == tg.arity() && allStable(args, stable)) {
          Builtin b = tg.builtin();
          Builtin memo = new Builtin(b.name(), b.arity(), b.relation(), b.nondeterministic(),
              new CallSiteMemo(b.impl()));
          return new Call(c.loc(), c.name(), args,
              new Target(tg.key(), memo, tg.func(), tg.special(), tg.arity()));
        }
        return args == c.args() ? c : new Call(c.loc(), c.name(), args, tg);
      }
      case Ref r -> {
        List<Term> path = terms(r.path(), stable);
        Ref out = path == r.path() ? r : new Ref(r.loc(), r.head(), path, r.ruleNode(), r.ruleDepth());
        // the rules of modules compiled after the referring one were not in the tree yet
        return out.ruleNode() == null ? Compiler.withRuleNode(root, out) : out;
      }
      case Compr cp -> {
        // the comprehension's body binds its own variables; outer stable slots stay stable in it
        BitSet inner = (BitSet) stable.clone();
        Expr[] b = body(cp.body().array(), inner);
        Term key = cp.key() == null ? null : term(cp.key(), inner);
        Term value = cp.value() == null ? null : term(cp.value(), inner);
        return new Compr(cp.loc(), cp.kind(), key, value, new Ast.Body(cp.body().loc(), List.of(b)));
      }
      default -> {
        return t;
      }
    }
  }

  /** The list with each term folded; the same list when nothing changed. */
  private List<Term> terms(List<Term> ts, BitSet stable) {
    List<Term> out = null;
    for (int i = 0; i < ts.size(); i++) {
      Term x = ts.get(i);
      Term y = term(x, stable);
      if (y != x && out == null) {
        out = new ArrayList<>(ts);
      }
      if (out != null) {
        out.set(i, y);
      }
    }
    return out == null ? ts : List.copyOf(out);
  }

  private static Value[] constants(List<Term> ts) {
    Value[] vs = new Value[ts.size()];
    for (int i = 0; i < vs.length; i++) {
      if (!(ts.get(i) instanceof Scalar s)) {
        return null;
      }
      vs[i] = s.value();
    }
    return vs;
  }

  private boolean allStable(List<Term> ts, BitSet stable) {
    for (Term t : ts) {
      if (!stable(t, stable)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code t} evaluates to the same object on every evaluation (unless a {@code with}
   * replaces data): a constant, a base document of data that no rule contributes to, a member of
   * such a value, or a variable bound to one.
   */
  private boolean stable(Term t, BitSet stable) {
    return switch (t) {
      case Scalar s -> true;
      case Var v -> v.slot() >= 0 && stable.get(v.slot());
      case Ref r -> {
        for (Term p : r.path()) {
          if (!(p instanceof Scalar)) {
            yield false;
          }
        }
        if (r.head() instanceof Var v && v.slot() == Compiler.DATA_SLOT) {
          yield baseOnly(r.path());
        }
        yield r.head() instanceof Var v && v.slot() >= 0 && stable.get(v.slot());
      }
      default -> false;
    };
  }

  /** Whether the data path leaves the rule tree, so it names part of a base document. */
  private boolean baseOnly(List<Term> path) {
    Node n = root;
    for (Term p : path) {
      if (n.hasRules()) {
        return false;
      }
      n = n.children.get(((Scalar) p).value());
      if (n == null) {
        return true;
      }
    }
    return false;
  }

  private static void vars(Expr e, BitSet seen) {
    switch (e) {
      case TermExpr te -> vars(te.term(), seen);
      case SomeIn si -> {
        if (si.key() != null) {
          vars(si.key(), seen);
        }
        vars(si.value(), seen);
        vars(si.collection(), seen);
      }
      case Every ev -> vars(ev.domain(), seen);
      case SomeDecl sd -> {
        for (Var v : sd.vars()) {
          vars(v, seen);
        }
      }
    }
  }

  private static void vars(Term t, BitSet seen) {
    switch (t) {
      case Var v -> {
        if (v.slot() >= 0) {
          seen.set(v.slot());
        }
      }
      case Ref r -> {
        vars(r.head(), seen);
        r.path().forEach(p -> vars(p, seen));
      }
      case ArrayTerm a -> a.items().forEach(x -> vars(x, seen));
      case SetTerm s -> s.items().forEach(x -> vars(x, seen));
      case ObjectTerm o -> {
        o.keys().forEach(x -> vars(x, seen));
        o.values().forEach(x -> vars(x, seen));
      }
      case Call c -> c.args().forEach(x -> vars(x, seen));
      default -> {}
    }
  }
}
