package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.Scalar;
import dev.tollgate.rego.Ast.SetTerm;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.Var;
import dev.tollgate.rego.Plan.CRule;
import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.Plan.RuleIndex;
import dev.tollgate.rego.Plan.Special;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Indexes complete and partial set rules that test one ground reference against constants
 * ({@code input.attributes.request.http.method == "GET"}, or {@code ... in {"GET", "HEAD"}}), so
 * evaluation only visits the rules whose constants match the reference's value, plus the rules
 * without such a test.
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

  /** Expression {@code expr} of a rule body holds only when {@code key}'s value is in {@code values}. */
  private record Test(String key, Term ref, Set<Value> values, int expr) {}

  static RuleIndex build(List<CRule> rules) {
    int n = rules.size();
    List<Map<String, Test>> tests = new ArrayList<>(n);
    Map<String, Term> refs = new HashMap<>();
    for (CRule r : rules) {
      Map<String, Test> byKey = new HashMap<>();
      if (r.elseRule == null) {
        for (Test t : tests(r.body)) {
          byKey.putIfAbsent(t.key, t);
          refs.putIfAbsent(t.key, t.ref);
        }
      }
      tests.add(byKey);
    }
    // choose the reference that leaves the fewest rules to visit in the worst case
    String best = null;
    int bestCost = n;
    for (String key : new TreeSet<>(refs.keySet())) {
      Map<Value, Integer> buckets = new HashMap<>();
      int untested = 0;
      for (Map<String, Test> ts : tests) {
        Test t = ts.get(key);
        if (t == null) {
          untested++;
        } else {
          for (Value v : t.values) {
            buckets.merge(v, 1, Integer::sum);
          }
        }
      }
      int largest = 0;
      for (int c : buckets.values()) {
        largest = Math.max(largest, c);
      }
      int cost = untested + largest;
      if (cost < bestCost) {
        best = key;
        bestCost = cost;
      }
    }
    if (best == null || bestCost * 2 > n) {
      return null;
    }
    List<CRule> always = new ArrayList<>();
    List<Integer> alwaysAt = new ArrayList<>();
    // indexed rules are visited only when their test holds, so their copies skip it
    CRule[] indexed = new CRule[n];
    Map<Value, List<Integer>> byValue = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Test t = tests.get(i).get(best);
      if (t == null) {
        always.add(rules.get(i));
        alwaysAt.add(i);
        continue;
      }
      indexed[i] = rules.get(i).without(t.expr);
      for (Value v : t.values) {
        byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
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
      if (!(body[i] instanceof TermExpr te) || te.negated() || !te.withs().isEmpty()) {
        continue;
      }
      if (!(te.term() instanceof Call c) || c.target() == null || c.args().size() != 2) {
        continue;
      }
      Term a = c.args().get(0);
      Term b = c.args().get(1);
      boolean equality = c.target().special() == Special.EQ
          || (c.target().builtin() != null && c.target().builtin().name().equals("equal"));
      boolean membership = c.target().builtin() != null
          && c.target().builtin().name().equals("internal.member_2");
      if (equality) {
        if (b instanceof Ref && a instanceof Scalar) {
          Term x = a;
          a = b;
          b = x;
        }
        String key = groundRefKey(a);
        if (key != null && b instanceof Scalar s) {
          out.add(new Test(key, a, Set.of(s.value()), i));
        }
      } else if (membership) {
        String key = groundRefKey(a);
        Set<Value> values = constantItems(b);
        if (key != null && values != null && !values.isEmpty()) {
          out.add(new Test(key, a, values, i));
        }
      }
    }
    return out;
  }

  /** The elements of a literal set or array of constants (membership tests their values). */
  private static Set<Value> constantItems(Term t) {
    if (t instanceof Scalar c && (c.value() instanceof SetValue || c.value() instanceof ArrayValue)) {
      // a literal the constant folder has already built
      Set<Value> out = new LinkedHashSet<>();
      if (c.value() instanceof SetValue s) {
        out.addAll(s.sorted());
      } else {
        out.addAll(((ArrayValue) c.value()).asList());
      }
      return out;
    }
    List<Term> items = switch (t) {
      case SetTerm s -> s.items();
      case ArrayTerm a -> a.items();
      default -> null;
    };
    if (items == null) {
      return null;
    }
    Set<Value> out = new LinkedHashSet<>();
    for (Term x : items) {
      if (!(x instanceof Scalar s)) {
        return null;
      }
      out.add(s.value());
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
