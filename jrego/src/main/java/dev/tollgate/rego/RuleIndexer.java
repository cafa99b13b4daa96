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
    // choose the reference that leaves the fewest rules to visit in the worst case
    String best = null;
    int bestCost = rules.size();
    for (String key : new java.util.TreeSet<>(counts.keySet())) {
      Map<Value, Integer> buckets = new HashMap<>();
      int tested = 0;
      for (List<Test> ts : tests) {
        for (Test t : ts) {
          if (t.key.equals(key)) {
            buckets.merge(t.value, 1, Integer::sum);
            tested++;
            break;
          }
        }
      }
      int largest = 0;
      for (int c : buckets.values()) {
        largest = Math.max(largest, c);
      }
      int cost = rules.size() - tested + largest;
      if (cost < bestCost) {
        best = key;
        bestCost = cost;
      }
    }
    if (best == null || bestCost * 2 > rules.size()) {
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
    List<Integer> alwaysAt = new ArrayList<>();
    Map<Value, List<Integer>> byValue = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      if (ruleValue[i] == null) {
        always.add(rules.get(i));
        alwaysAt.add(i);
      } else {
        byValue.computeIfAbsent(ruleValue[i], k -> new ArrayList<>()).add(i);
      }
    }
    // each bucket: its rules merged with the untested ones, in source order
    Map<Value, List<CRule>> frozen = new HashMap<>();
    for (Map.Entry<Value, List<Integer>> e : byValue.entrySet()) {
      List<Integer> mine = e.getValue();
      List<CRule> merged = new ArrayList<>(mine.size() + alwaysAt.size());
      int a = 0;
      int b = 0;
      while (a < mine.size() || b < alwaysAt.size()) {
        if (b == alwaysAt.size() || (a < mine.size() && mine.get(a) < alwaysAt.get(b))) {
          merged.add(indexed[mine.get(a++)]);
        } else {
          merged.add(rules.get(alwaysAt.get(b++)));
        }
      }
      frozen.put(e.getKey(), List.copyOf(merged));
    }
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
