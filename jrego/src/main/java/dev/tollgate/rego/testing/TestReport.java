package dev.tollgate.rego.testing;

import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.testing.TestResult.Status;
import java.util.List;

/**
 * The result of a test run: either compile errors (no tests ran) or one result per test, plus
 * coverage when it was asked for.
 *
 * @param compileErrors parse and compile errors of the modules; empty when they compiled
 * @param results the tests, in source order
 * @param coverage line coverage, or null when not requested or not compiled
 */
public record TestReport(List<RegoError> compileErrors, List<TestResult> results, CoverageReport coverage) {
  public TestReport {
    compileErrors = List.copyOf(compileErrors);
    results = List.copyOf(results);
  }

  public long count(Status s) {
    return results.stream().filter(r -> r.status() == s).count();
  }

  /** Whether the modules compiled and no test failed or errored. */
  public boolean ok() {
    return compileErrors.isEmpty() && count(Status.FAIL) == 0 && count(Status.ERROR) == 0;
  }

  /** {@code N passed, N failed}, followed by errored and skipped counts when not zero. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(count(Status.PASS)).append(" passed, ").append(count(Status.FAIL)).append(" failed");
    if (count(Status.ERROR) > 0) {
      sb.append(", ").append(count(Status.ERROR)).append(" errored");
    }
    if (count(Status.SKIPPED) > 0) {
      sb.append(", ").append(count(Status.SKIPPED)).append(" skipped");
    }
    return sb.toString();
  }

  /**
   * The process exit code: 2 for compile errors, 1 when a test failed or errored or coverage is
   * below {@code threshold} (percent; 0 for none), else 0.
   */
  public int exitCode(double threshold) {
    if (!compileErrors.isEmpty()) {
      return 2;
    }
    if (!ok() || belowThreshold(threshold)) {
      return 1;
    }
    return 0;
  }

  /** Whether coverage was measured and is below {@code threshold} percent. */
  public boolean belowThreshold(double threshold) {
    return coverage != null && threshold > 0 && coverage.percent() < threshold;
  }
}
