package dev.tollgate.rego.testing;

import dev.tollgate.rego.RuleOutline;
import dev.tollgate.rego.testing.DefinitionReport.Outcome;
import dev.tollgate.rego.testing.TraceRecorder.DefinitionTrace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/** Turns recorded traces into per-definition reports. */
final class Traces {
  private Traces() {}

  /** Reports for a definition and its else branches. */
  static List<DefinitionReport> chain(RuleOutline first, TraceRecorder rec, SourceText src) {
    List<DefinitionReport> out = new ArrayList<>();
    for (RuleOutline b = first; b != null; b = b.elseBranch()) {
      out.add(report(b, rec, src));
    }
    return out;
  }

  /** How deep explanations follow the definitions a failed expression needed. */
  private static final int MAX_CAUSE_DEPTH = 4;

  static DefinitionReport report(RuleOutline b, TraceRecorder rec, SourceText src) {
    return report(b, rec, src, 0, new HashSet<>());
  }

  private static DefinitionReport report(RuleOutline b, TraceRecorder rec, SourceText src, int depth,
      Set<String> seen) {
    DefinitionTrace t = rec.definition(b.location());
    String head = src.lineAt(b.location());
    if (t == null || !t.evaluated) {
      return new DefinitionReport(b.location(), head, Outcome.NOT_EVALUATED, "", "", List.of());
    }
    if (t.produced) {
      return new DefinitionReport(b.location(), head, Outcome.PRODUCED, "", "", List.of());
    }
    if (t.furthest < 0 || t.furthest >= b.body().size()) {
      return new DefinitionReport(b.location(), head, Outcome.NOT_APPLIED, "", "", List.of());
    }
    String at = b.body().get(t.furthest);
    List<DefinitionReport> causes = new ArrayList<>();
    if (depth < MAX_CAUSE_DEPTH && seen.add(b.location())) {
      for (String child : rec.failedBelow(b.location(), at)) {
        RuleOutline c = rec.outlines().at(child);
        DefinitionTrace ct = rec.definition(child);
        if (c != null && ct != null && !ct.produced && !seen.contains(child)) {
          causes.add(report(c, rec, src, depth + 1, seen));
        }
      }
    }
    return new DefinitionReport(b.location(), head, Outcome.NOT_APPLIED, at, src.expressionAt(at), causes);
  }
}
