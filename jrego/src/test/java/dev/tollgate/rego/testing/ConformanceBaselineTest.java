package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.testing.ConformanceRunner.CaseResult;
import dev.tollgate.rego.testing.ConformanceRunner.Status;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs OPA's conformance cases and fails when fewer pass than the checked-in baseline, when the
 * number of cases is not the recorded one, or when a skip-listed case has started to pass. The case
 * directory is the checked-in {@code jrego/conformance} and can be set with
 * {@code -Djrego.conformance.dir=...} (see {@link ConformanceCases}).
 */
class ConformanceBaselineTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({"v1, V1", "v0, V0"})
  void passingCasesDoNotDropBelowBaseline(String set, RegoSyntax syntax) throws Exception {
    Path dir = ConformanceCases.require(set);
    Properties baseline = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/conformance/baseline.properties")) {
      baseline.load(in);
    }
    Path skipFile = Path.of(getClass().getResource("/conformance/skip.txt").toURI());
    Set<String> skip = ConformanceRunner.readSkipList(skipFile, set);
    List<CaseResult> all = new ConformanceRunner(syntax, skip, null).runningSkipListed().run(dir);
    List<CaseResult> results = ConformanceRunner.markSkipListed(all, skip);
    System.out.println("== conformance " + set + " (" + dir + ")");
    ConformanceRunner.printTable(results, System.out);

    assertEquals(Integer.parseInt(baseline.getProperty(set + ".cases")), results.size(),
        set + ": number of conformance cases");
    assertEquals(List.of(), ConformanceRunner.staleSkips(all, skip), set + ": stale entries in skip.txt");
    long passed = results.stream().filter(r -> r.status() == Status.PASSED).count();
    int floor = Integer.parseInt(baseline.getProperty(set + ".passed"));
    assertTrue(passed >= floor, set + ": " + passed + " cases passed, baseline is " + floor);
  }
}
