package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.testing.ConformanceRunner.CaseResult;
import dev.tollgate.rego.testing.ConformanceRunner.Status;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs OPA's conformance cases and fails when fewer pass than the checked-in baseline. The case
 * directory defaults to {@code ../shared/opa-conformance} (relative to the module) and can be set
 * with {@code -Djrego.conformance.dir=...}.
 */
class ConformanceBaselineTest {
  private static Path casesRoot() {
    String dir = System.getProperty("jrego.conformance.dir");
    if (dir != null) {
      return Path.of(dir);
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path cand = p.resolve("../shared/opa-conformance").normalize();
      if (Files.isDirectory(cand)) {
        return cand;
      }
      cand = p.resolve("shared/opa-conformance");
      if (Files.isDirectory(cand)) {
        return cand;
      }
    }
    return here.resolve("../../shared/opa-conformance").normalize();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"v1, V1", "v0, V0"})
  void passingCasesDoNotDropBelowBaseline(String set, RegoSyntax syntax) throws Exception {
    Path dir = casesRoot().resolve(set);
    assumeTrue(Files.isDirectory(dir), "conformance cases not found at " + dir);
    Properties baseline = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/conformance/baseline.properties")) {
      baseline.load(in);
    }
    Path skipFile = Path.of(getClass().getResource("/conformance/skip.txt").toURI());
    Set<String> skip = ConformanceRunner.readSkipList(skipFile, set);
    List<CaseResult> results = new ConformanceRunner(syntax, skip, null).run(dir);
    System.out.println("== conformance " + set + " (" + dir + ")");
    ConformanceRunner.printTable(results, System.out);
    long passed = results.stream().filter(r -> r.status() == Status.PASSED).count();
    int floor = Integer.parseInt(baseline.getProperty(set + ".passed", "0"));
    assertTrue(passed >= floor, set + ": " + passed + " cases passed, baseline is " + floor);
  }
}
