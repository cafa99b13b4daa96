package dev.tollgate.rego;

import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.Scalar;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.Var;
import dev.tollgate.rego.Plan.CRule;
import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.Plan.RuleIndex;
import dev.tollgate.rego.Plan.Special;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Indexes complete rules that test one ground reference for equality with a constant (e.g.
 * {@code input.attributes.request.http.method == "GET"}), so evaluation only visits the rules
 * whose constant matches the reference's value, plus the rules without such a test.
 */
final class RuleIndexer {
  static final int MIN_RULES = 4;

  private RuleIndexer() {}

  static void index(Node n) {
    if (n.complete.size() >= MIN_RULES) {
      n.index = build(n.complete);
    }
    if (n.sets.size() >= MIN_RULES) {
      n.setIndex = build(n.sets);
    }
    for (Node c : n.children.values()) {
      index(c);
    }
  }

  private record Test(String key, Term ref, Value value, int expr) {}

  static RuleIndex build(List<CRule> rules) {
    List<List<Test>> tests = new ArrayList<>();
    Map<String, Integer> counts = new HashMap<>();
    Map<String, Term> refs = new HashMap<>();
    for (CRule r : rules) {
      List<Test> ts = r.elseRule == null ? tests(r.body) : List.of();
      tests.add(ts);
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (Test t : ts) {
        if (seen.add(t.key)) {
          counts.merge(t.key, 1, Integer::sum);
          refs.putIfAbsent(t.key, t.ref);
        }
      }
    }
    String best = null;
    int bestCount = 1;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount || (e.getValue() == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    if (best == null || bestCount * 2 < rules.size()) {
      return null;
    }
    Value[] ruleValue = new Value[rules.size()];
    // indexed rules are visited only when the test holds, so their copies skip it
    CRule[] indexed = new CRule[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      for (Test t : tests.get(i)) {
        if (t.key.equals(best)) {
          ruleValue[i] = t.value;
          indexed[i] = rules.get(i).without(t.expr);
          break;
        }
      }
    }
    List<CRule> always = new ArrayList<>();
    Map<Value, List<CRule>> byValue = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      if (ruleValue[i] == null) {
        always.add(rules.get(i));
      } else {
        byValue.putIfAbsent(ruleValue[i], new ArrayList<>());
      }
    }
    for (Map.Entry<Value, List<CRule>> e : byValue.entrySet()) {
      for (int i = 0; i < rules.size(); i++) {
        if (ruleValue[i] == null) {
          e.getValue().add(rules.get(i));
        } else if (ruleValue[i].equals(e.getKey())) {
          e.getValue().add(indexed[i]);
        }
      }
    }
    Map<Value, List<CRule>> frozen = new HashMap<>();
    byValue.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new RuleIndex(refs.get(best), frozen, List.copyOf(always), List.copyOf(rules));
  }

  private static List<Test> tests(Expr[] body) {
    List<Test> out = new ArrayList<>();
    for (int i = 0; i < body.length; i++) {
      Expr e = body[i];
      if (!(e instanceof TermExpr te) || te.negated() || !te.withs().isEmpty()) {
        continue;
      }
      if (!(te.term() instanceof Call c) || c.target() == null || c.args().size() != 2) {
        continue;
      }
      boolean equality = c.target().special() == Special.EQ
          || (c.target().builtin() != null && c.target().builtin().name().equals("equal"));
      if (!equality) {
        continue;
      }
      Term a = c.args().get(0);
      Term b = c.args().get(1);
      if (b instanceof Ref && a instanceof Scalar) {
        Term x = a;
        a = b;
        b = x;
      }
      String key = groundRefKey(a);
      if (key != null && b instanceof Scalar s) {
        out.add(new Test(key, a, s.value(), i));
      }
    }
    return out;
  }

  /** A text key for a reference rooted at data or input with only constant segments. */
  private static String groundRefKey(Term t) {
    if (!(t instanceof Ref r) || !(r.head() instanceof Var v) || v.slot() >= 0) {
      return null;
    }
    StringBuilder sb = new StringBuilder(v.name());
    for (Term p : r.path()) {
      if (!(p instanceof Scalar s)) {
        return null;
      }
      sb.append('[').append(s.value().toJson()).append(']');
    }
    return sb.toString();
  }
}
