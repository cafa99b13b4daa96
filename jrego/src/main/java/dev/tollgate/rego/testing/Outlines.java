package dev.tollgate.rego.testing;

import dev.tollgate.rego.RuleOutline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compiled policy's rule outlines indexed for lookups by definition location and by ref. */
final class Outlines {
  /** Every definition, else branches included, by head location. */
  private final Map<String, RuleOutline> byLocation = new HashMap<>();
  /** Position of each top-level body expression, per definition location. */
  private final Map<String, Map<String, Integer>> exprIndex = new HashMap<>();
  /** First definitions (not else branches) per ref, in source order. */
  private final Map<String, List<RuleOutline>> byRef = new LinkedHashMap<>();
  private final List<RuleOutline> all;

  Outlines(List<RuleOutline> outlines) {
    this.all = outlines;
    for (RuleOutline o : outlines) {
      byRef.computeIfAbsent(o.ref(), k -> new ArrayList<>()).add(o);
      for (RuleOutline b = o; b != null; b = b.elseBranch()) {
        byLocation.put(b.location(), b);
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < b.body().size(); i++) {
          idx.putIfAbsent(b.body().get(i), i);
        }
        exprIndex.put(b.location(), idx);
      }
    }
  }

  List<RuleOutline> all() {
    return all;
  }

  List<RuleOutline> definitions(String ref) {
    return byRef.getOrDefault(ref, List.of());
  }

  Map<String, Integer> exprIndex(String definitionLocation) {
    return exprIndex.getOrDefault(definitionLocation, Map.of());
  }

  RuleOutline at(String location) {
    return byLocation.get(location);
  }
}
