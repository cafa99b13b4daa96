package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.testing.ConformanceRunner.CaseResult;
import dev.tollgate.rego.testing.ConformanceRunner.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's own rules: what counts as a pass, a refusal, a stale skip. */
class ConformanceRunnerTest {
  @TempDir
  Path dir;

  private static final String CASES = """
      cases:
      - note: t/passes
        modules: ["package t\\np := 1"]
        query: data.t.p = x
        want_result: [{x: 1}]
      - note: t/wrong result
        modules: ["package t\\np := 1"]
        query: data.t.p = x
        want_result: [{x: 2}]
      - note: t/no expectation
        modules: ["package t\\np := 1"]
        query: data.t.p = x
      - note: t/error expected
        modules: ["package t\\np := 1 / 0"]
        query: data.t.p = x
        want_error_code: eval_builtin_error
        strict_error: true
      """;

  private List<CaseResult> run(Set<String> skip, boolean runSkipListed) throws Exception {
    Files.writeString(dir.resolve("any-name.txt.yaml"), CASES);
    ConformanceRunner runner = new ConformanceRunner(RegoSyntax.V1, skip, null);
    return (runSkipListed ? runner.runningSkipListed() : runner).run(dir);
  }

  private static Status status(List<CaseResult> results, String note) {
    return results.stream().filter(r -> r.note().equals(note)).findFirst().orElseThrow().status();
  }

  @Test
  void aCaseWithoutExpectationIsRefused() throws Exception {
    List<CaseResult> results = run(Set.of(), false);
    assertEquals(4, results.size());
    assertEquals(Status.PASSED, status(results, "t/passes"));
    assertEquals(Status.FAILED, status(results, "t/wrong result"));
    assertEquals(Status.PASSED, status(results, "t/error expected"));
    CaseResult refused = results.stream().filter(r -> r.note().equals("t/no expectation")).findFirst().orElseThrow();
    assertEquals(Status.FAILED, refused.status());
    assertTrue(refused.detail().contains("neither want_result nor want_error"), refused.detail());
  }

  @Test
  void skipListedCasesAreRunOnRequestAndStaleSkipsNamed() throws Exception {
    Set<String> skip = Set.of("t/wrong result", "t/passes", "t/no such case");
    assertEquals(Status.SKIPPED, status(run(skip, false), "t/passes"));
    List<CaseResult> all = run(skip, true);
    assertEquals(Status.PASSED, status(all, "t/passes"));
    assertEquals(List.of(
            "t/no such case: matches no case",
            "t/passes: every case with this note passes; remove it from the skip list"),
        ConformanceRunner.staleSkips(all, skip));
    List<CaseResult> marked = ConformanceRunner.markSkipListed(all, skip);
    assertEquals(Status.SKIPPED, status(marked, "t/passes"));
    assertEquals(Status.SKIPPED, status(marked, "t/wrong result"));
    assertEquals(Status.PASSED, status(marked, "t/error expected"));
  }
}
