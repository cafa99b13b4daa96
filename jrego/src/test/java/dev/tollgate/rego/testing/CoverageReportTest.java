package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.testing.CoverageReport.FileCoverage;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CoverageReportTest {
  private static FileCoverage file(String name, List<Integer> covered, List<Integer> missed) {
    return new FileCoverage(name, new TreeSet<>(covered), new TreeSet<>(missed));
  }

  @Test
  void mergeCountsALineCoveredWhenAnyRunCoveredIt() {
    CoverageReport tenantA = new CoverageReport(List.of(
        file("shared/lib.rego", List.of(3, 4), List.of(7, 8)), file("a/authz.rego", List.of(1), List.of(2))));
    CoverageReport tenantB = new CoverageReport(List.of(
        file("shared/lib.rego", List.of(7), List.of(3, 4, 8)), file("b/authz.rego", List.of(1, 2), List.of())));
    CoverageReport merged = CoverageReport.merge(List.of(tenantA, tenantB));
    assertEquals(List.of(
        file("a/authz.rego", List.of(1), List.of(2)),
        file("b/authz.rego", List.of(1, 2), List.of()),
        file("shared/lib.rego", List.of(3, 4, 7), List.of(8))), merged.files());
    assertEquals(6, merged.covered());
    assertEquals(8, merged.total());
  }
}
