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
import dev.tollgate.rego.builtins.Builtin;
import dev.tollgate.rego.builtins.BuiltinRegistry;
import dev.tollgate.rego.value.StringValue;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which rule nodes have a value that depends only on the policy revision: no rule of the
 * node reads {@code input} (directly or through another rule or function), calls a built-in whose
 * answer may change between calls with equal operands ({@code time.now_ns}, {@code http.send},
 * {@code io.jwt.decode_verify}, ...) or that has an effect ({@code print}, {@code trace}), or uses
 * {@code with}. For a function it means the result depends only on its arguments.
 *
 * <p>Runs on the compiled tree before constant folding and rule indexing, which both rewrite
 * bodies without changing what they read.
 */
final class InputIndependence {
  /** Deterministic by declaration, but with an effect (output) or reading the host. */
  private static final Set<String> EFFECTS = Set.of("trace", "print", "opa.runtime");

  private final Node root;
  private final Map<Node, Boolean> decided = new IdentityHashMap<>();
  private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();

  private InputIndependence(Node root) {
    this.root = root;
  }

  /** By node id: whether that node's value (or function's result) depends on the revision alone. */
  static boolean[] analyse(Node root, int nodeCount) {
    InputIndependence a = new InputIndependence(root);
    boolean[] out = new boolean[nodeCount];
    a.mark(root, out);
    return out;
  }

  private void mark(Node n, boolean[] out) {
    if (n.hasRules() && n.id < out.length) {
      out[n.id] = node(n);
    }
    for (Node c : n.children.values()) {
      mark(c, out);
    }
  }

  private boolean node(Node n) {
    Boolean known = decided.get(n);
    if (known != null) {
      return known;
    }
    if (inProgress.put(n, Boolean.TRUE) != null) {
      return false; // recursion, which the compiler rejects anyway
    }
    boolean ok = rules(n.complete) && rules(n.sets) && rules(n.objects) && rules(n.funcs)
        && (n.defaultRule == null || rule(n.defaultRule));
    inProgress.remove(n);
    decided.put(n, ok);
    return ok;
  }

  private boolean rules(List<CRule> rs) {
    for (CRule r : rs) {
      for (CRule c = r; c != null; c = c.elseRule) {
        if (!rule(c)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean rule(CRule r) {
    if (r.body != null) {
      for (Expr e : r.body) {
        if (!expr(e)) {
          return false;
        }
      }
    }
    return term(r.key) && term(r.value) && terms(r.suffix) && terms(r.args);
  }

  private boolean expr(Expr e) {
    if (!e.withs().isEmpty()) {
      return false;
    }
    return switch (e) {
      case TermExpr te -> term(te.term());
      case SomeDecl sd -> true;
      case SomeIn si -> term(si.key()) && term(si.value()) && term(si.collection());
      case Every ev -> term(ev.key()) && term(ev.value()) && term(ev.domain()) && body(ev.body());
    };
  }

  private boolean body(Ast.Body b) {
    for (Expr e : b.exprs()) {
      if (!expr(e)) {
        return false;
      }
    }
    return true;
  }

  private boolean terms(Term[] ts) {
    if (ts != null) {
      for (Term t : ts) {
        if (!term(t)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean terms(List<Term> ts) {
    for (Term t : ts) {
      if (!term(t)) {
        return false;
      }
    }
    return true;
  }

  private boolean term(Term t) {
    if (t == null) {
      return true;
    }
    return switch (t) {
      case Scalar s -> true;
      case Var v -> v.slot() == Compiler.INPUT_SLOT ? false : v.slot() != Compiler.DATA_SLOT || subtree(root);
      case Ref r -> ref(r);
      case ArrayTerm a -> terms(a.items());
      case SetTerm s -> terms(s.items());
      case ObjectTerm o -> terms(o.keys()) && terms(o.values());
      case Call c -> call(c);
      case Compr c -> term(c.key()) && term(c.value()) && body(c.body());
    };
  }

  private boolean call(Call c) {
    Plan.Target t = c.target();
    if (t == null || !terms(c.args())) {
      return false;
    }
    if (t.special() == Special.EQ || t.special() == Special.ASSIGN) {
      return true;
    }
    if (t.special() != Special.NONE) {
      return false;
    }
    if (t.func() != null) {
      return node(t.func());
    }
    return pure(t.builtin());
  }

  private static boolean pure(Builtin b) {
    return b != null && !b.nondeterministic() && !EFFECTS.contains(b.name())
        && !ConstantFolder.CONTEXT_DEPENDENT.contains(b.name())
        && BuiltinRegistry.standard().get(b.name()) == b;
  }

  private boolean ref(Ref r) {
    if (!terms(r.path())) {
      return false;
    }
    if (!(r.head() instanceof Var v) || v.slot() != Compiler.DATA_SLOT) {
      return term(r.head());
    }
    // data: the rules the path may reach must be independent; base documents always are
    Node n = root;
    for (Term seg : r.path()) {
      if (n.hasRules()) {
        return subtree(n);
      }
      if (!(seg instanceof Scalar s) || !(s.value() instanceof StringValue)) {
        return subtree(n);
      }
      Node child = n.children.get(s.value());
      if (child == null) {
        return true;
      }
      n = child;
    }
    return subtree(n);
  }

  private boolean subtree(Node n) {
    if (n.hasRules() && !node(n)) {
      return false;
    }
    for (Node c : n.children.values()) {
      if (!subtree(c)) {
        return false;
      }
    }
    return true;
  }
}
