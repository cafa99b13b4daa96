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
import dev.tollgate.rego.Ast.SomeIn;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.Var;
import dev.tollgate.rego.Ast.With;
import dev.tollgate.rego.Plan.CRule;
import dev.tollgate.rego.Plan.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds rules that depend on themselves: Rego forbids recursion. */
final class RecursionCheck {
  private final Compiler compiler;
  private final Map<Node, Set<Node>> deps = new HashMap<>();

  RecursionCheck(Compiler compiler) {
    this.compiler = compiler;
  }

  void run() {
    for (CRule r : compiler.allRules) {
      Set<Node> d = deps.computeIfAbsent(r.node, k -> new LinkedHashSet<>());
      for (CRule c = r; c != null; c = c.elseRule) {
        collect(c, d);
      }
    }
    Map<Node, Integer> state = new HashMap<>();
    for (Node n : new ArrayList<>(deps.keySet())) {
      List<Node> stack = new ArrayList<>();
      if (visit(n, state, stack)) {
        return;
      }
    }
  }

  private boolean visit(Node n, Map<Node, Integer> state, List<Node> stack) {
    Integer s = state.get(n);
    if (s != null && s == 2) {
      return false;
    }
    if (s != null && s == 1) {
      int i = stack.indexOf(n);
      StringBuilder sb = new StringBuilder();
      for (int j = i; j < stack.size(); j++) {
        sb.append(stack.get(j).pathString).append(" -> ");
      }
      sb.append(n.pathString);
      CRule first = firstRule(n);
      compiler.errors().add(new RegoError("rego_recursion_error",
          "rule " + n.pathString + " is recursive: " + sb, first == null ? "" : first.loc.toString()));
      return true;
    }
    state.put(n, 1);
    stack.add(n);
    for (Node d : deps.getOrDefault(n, Set.of())) {
      if (visit(d, state, stack)) {
        return true;
      }
    }
    stack.remove(stack.size() - 1);
    state.put(n, 2);
    return false;
  }

  private static CRule firstRule(Node n) {
    for (List<CRule> l : List.of(n.complete, n.sets, n.objects, n.funcs)) {
      if (!l.isEmpty()) {
        return l.get(0);
      }
    }
    return n.defaultRule;
  }

  private void collect(CRule r, Set<Node> out) {
    if (r.body != null) {
      for (Expr e : r.body) {
        expr(e, out);
      }
    }
    for (Term t : new Term[] {r.key, r.value}) {
      if (t != null) {
        term(t, out);
      }
    }
    if (r.suffix != null) {
      for (Term t : r.suffix) {
        term(t, out);
      }
    }
  }

  private void expr(Expr e, Set<Node> out) {
    switch (e) {
      case TermExpr te -> term(te.term(), out);
      case SomeIn si -> {
        term(si.collection(), out);
      }
      case Every ev -> {
        term(ev.domain(), out);
        ev.body().exprs().forEach(x -> expr(x, out));
      }
      default -> {}
    }
    for (With w : e.withs()) {
      term(w.value(), out);
    }
  }

  private void term(Term t, Set<Node> out) {
    switch (t) {
      case Ref r -> {
        if (r.head() instanceof Var v && v.slot() == Compiler.DATA_SLOT) {
          // the deepest node the constant prefix reaches: it and everything below may be read
          Node n = compiler.root;
          for (Term p : r.path()) {
            if (n.hasRules() || !(p instanceof Scalar s)) {
              break;
            }
            n = n.children.get(s.value());
            if (n == null) {
              break;
            }
          }
          if (n != null) {
            addBelow(n, out);
          }
        } else {
          term(r.head(), out);
        }
        r.path().forEach(x -> term(x, out));
      }
      case Var v -> {
        if (v.slot() == Compiler.DATA_SLOT) {
          addBelow(compiler.root, out);
        }
      }
      case ArrayTerm a -> a.items().forEach(x -> term(x, out));
      case SetTerm a -> a.items().forEach(x -> term(x, out));
      case ObjectTerm o -> {
        o.keys().forEach(x -> term(x, out));
        o.values().forEach(x -> term(x, out));
      }
      case Call c -> {
        if (c.target() != null && c.target().func() != null) {
          out.add(c.target().func());
        }
        c.args().forEach(x -> term(x, out));
      }
      case Compr cp -> {
        if (cp.key() != null) {
          term(cp.key(), out);
        }
        term(cp.value(), out);
        cp.body().exprs().forEach(x -> expr(x, out));
      }
      default -> {}
    }
  }

  private static void addBelow(Node n, Set<Node> out) {
    if (n.hasRules()) {
      out.add(n);
    }
    for (Node c : n.children.values()) {
      if (c.hasRulesBelow) {
        addBelow(c, out);
      }
    }
  }
}
