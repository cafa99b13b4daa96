package dev.tollgate.rego.testing;

import dev.tollgate.rego.RuleOutline;
import dev.tollgate.rego.testing.DefinitionReport.Outcome;
import dev.tollgate.rego.testing.TraceRecorder.DefinitionTrace;
import java.util.ArrayList;
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

  static DefinitionReport report(RuleOutline b, TraceRecorder rec, SourceText src) {
    DefinitionTrace t = rec.definition(b.location());
    String head = src.lineAt(b.location());
    if (t == null || !t.evaluated) {
      return new DefinitionReport(b.location(), head, Outcome.NOT_EVALUATED, "", "");
    }
    if (t.produced) {
      return new DefinitionReport(b.location(), head, Outcome.PRODUCED, "", "");
    }
    if (t.furthest < 0 || t.furthest >= b.body().size()) {
      return new DefinitionReport(b.location(), head, Outcome.NOT_APPLIED, "", "");
    }
    String at = b.body().get(t.furthest);
    return new DefinitionReport(b.location(), head, Outcome.NOT_APPLIED, at, src.expressionAt(at));
  }
}
