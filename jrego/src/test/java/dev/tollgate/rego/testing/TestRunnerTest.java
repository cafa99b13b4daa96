package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.testing.DefinitionReport.Outcome;
import dev.tollgate.rego.testing.TestResult.Status;
import dev.tollgate.rego.value.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestRunnerTest {
  static final String DIR = "src/test/resources/regotest/";
  static final String BASIC = DIR + "basic/";
  private static TestReport basic;

  @BeforeAll
  static void runBasic() throws Exception {
    basic = TestRunner.run(List.of(Path.of(BASIC)), TestRunner.Options.DEFAULT);
  }

  static TestResult result(TestReport report, String name) {
    return report.results().stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no test " + name + " in " + report.results()));
  }

  @ParameterizedTest
  @CsvSource({
    "data.authz_test.test_alice_may_get,   PASS",
    "data.authz_test.test_bob_may_get,     FAIL",
    "data.authz_test.test_alice_may_post,  FAIL",
    "data.authz_test.test_conflict,        ERROR",
    "data.authz_test.test_false,           FAIL",
    "data.authz_test.test_root_is_admin,   PASS",
    "data.authz_test.todo_test_later,      SKIPPED",
  })
  void eachTestRuleGetsItsStatus(String name, Status status) {
    assertEquals(status, result(basic, name).status());
  }

  @Test
  void countsAndSummary() {
    assertEquals(7, basic.results().size());
    assertEquals("2 passed, 3 failed, 1 errored, 1 skipped", basic.summary());
    assertEquals(1, basic.exitCode(0));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "data.authz_test.test_bob_may_get    | authz_test.rego:11:2 | authz.allow with input as {\"user\": \"bob\", \"method\": \"GET\"}"
        + "   | authz.rego:6:2 | input.user == \"alice\"",
    "data.authz_test.test_alice_may_post | authz_test.rego:17:2 | authz.allow with input as {\"user\": \"alice\", \"method\": \"POST\"}"
        + " | authz.rego:7:2 | input.method == \"GET\"",
  })
  void failuresNameTheFirstFailedExpressionAndWhyItFailed(String name, String at, String text, String causeAt,
      String causeText) {
    TestResult r = result(basic, name);
    assertEquals(1, r.failures().size());
    DefinitionReport f = r.failures().get(0);
    assertEquals(BASIC + at, f.failedAt());
    assertEquals(text, f.failedExpression());
    assertEquals(1, f.causes().size());
    DefinitionReport cause = f.causes().get(0);
    assertEquals(BASIC + "authz.rego:5:1", cause.location());
    assertEquals(Outcome.NOT_APPLIED, cause.outcome());
    assertEquals(BASIC + causeAt, cause.failedAt());
    assertEquals(causeText, cause.failedExpression());
  }

  @Test
  void aFalseTestValueIsAFailureAtItsHead() {
    TestResult r = result(basic, "data.authz_test.test_false");
    assertEquals(BASIC + "authz_test.rego:24:1", r.failures().get(0).failedAt());
  }

  @Test
  void errorsCarryTheirLocation() {
    TestResult r = result(basic, "data.authz_test.test_conflict");
    assertTrue(r.error().startsWith(BASIC + "authz.rego:13:1: eval_conflict_error:"), r.error());
  }

  @Test
  void printOutputIsKeptPerTest() {
    assertEquals(List.of("checking bob"), result(basic, "data.authz_test.test_bob_may_get").output());
    assertEquals(List.of("root is admin"), result(basic, "data.authz_test.test_root_is_admin").output());
    assertEquals(List.of(), result(basic, "data.authz_test.test_alice_may_get").output());
  }

  @ParameterizedTest
  @CsvSource({
    "alice,                                  'data.authz_test.test_alice_may_get,data.authz_test.test_alice_may_post'",
    "^data\\.authz_test\\.test_root,         data.authz_test.test_root_is_admin",
    "authz_test\\.test_(bob_may_get|false)$,         'data.authz_test.test_bob_may_get,data.authz_test.test_false'",
    "nothing-matches,                        ''",
  })
  void runFiltersByQualifiedName(String regex, String expected) throws Exception {
    TestReport r = TestRunner.run(List.of(Path.of(BASIC)), TestRunner.Options.DEFAULT.withRun(Pattern.compile(regex)));
    List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(","));
    assertEquals(want, r.results().stream().map(TestResult::name).toList());
  }

  @Test
  void coverageCountsHeadAndExpressionLines() throws Exception {
    TestReport r = TestRunner.run(List.of(Path.of(DIR + "coverage")), TestRunner.Options.DEFAULT.withCoverage(true));
    assertEquals("1 passed, 0 failed", r.summary());
    CoverageReport c = r.coverage();
    assertEquals(1, c.files().size(), "test modules are left out");
    CoverageReport.FileCoverage f = c.files().get(0);
    assertEquals(DIR + "coverage/cov.rego", f.file());
    assertEquals(new TreeSet<>(Set.of(3, 4)), f.covered());
    assertEquals(new TreeSet<>(Set.of(7, 8, 9)), f.notCovered());
    assertEquals(40.0, c.percent(), 1e-9);
    assertEquals(1, r.exitCode(40.01));
    assertTrue(r.belowThreshold(50));
    assertEquals(0, r.exitCode(40));
  }

  /** Comprehension bodies, function heads, else branches; a head that produced nothing is not covered. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "coverage  | cov.rego  | 3 4             | 7 8 9",
    "coverage2 | cov2.rego | 3 4 6 7 11 12   | 10 14 15",
  })
  void coveredAndNotCoveredLines(String dir, String file, String covered, String notCovered) throws Exception {
    TestReport r = TestRunner.run(List.of(Path.of(DIR + dir)), TestRunner.Options.DEFAULT.withCoverage(true));
    assertEquals(0, r.count(Status.FAIL) + r.count(Status.ERROR), r.results().toString());
    CoverageReport.FileCoverage f = r.coverage().files().get(0);
    assertEquals(DIR + dir + "/" + file, f.file());
    assertEquals(lines(covered), f.covered());
    assertEquals(lines(notCovered), f.notCovered());
  }

  private static TreeSet<Integer> lines(String s) {
    TreeSet<Integer> out = new TreeSet<>();
    for (String x : s.strip().split("\\s+")) {
      out.add(Integer.parseInt(x));
    }
    return out;
  }

  @Test
  void coverageIsOnlyMeasuredWhenAsked() {
    assertEquals(null, basic.coverage());
  }

  @Test
  void dataFilesGoAtTheirDirectoryPath() throws Exception {
    PolicyFiles files = PolicyFiles.load(List.of(Path.of(DIR + "data")));
    assertEquals(Json.parse("{\"top\": {\"level\": 1}, \"a\": {\"b\": {\"limits\": {\"max\": 5}}}}"), files.data());
    TestReport r = TestRunner.run(files, TestRunner.Options.DEFAULT);
    assertEquals("2 passed, 0 failed", r.summary());
  }

  @Test
  void conflictingDataFilesAreAnError(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("data.json"), "{\"a\": {\"b\": 1}}");
    Files.createDirectories(tmp.resolve("a/b"));
    Files.writeString(tmp.resolve("a/b/data.json"), "{\"c\": 2}");
    PolicyFiles.LoadException e = assertThrows(PolicyFiles.LoadException.class,
        () -> PolicyFiles.load(List.of(tmp)));
    assertTrue(e.getMessage().contains("merge error: data.a.b"), e.getMessage());
  }

  @Test
  void invalidDataNamesTheFile(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("data.json"), "{\"a\": ");
    PolicyFiles.LoadException e = assertThrows(PolicyFiles.LoadException.class,
        () -> PolicyFiles.load(List.of(tmp)));
    assertTrue(e.getMessage().startsWith(tmp.resolve("data.json") + ": invalid JSON"), e.getMessage());
  }

  @Test
  void compileErrorsStopTheRunWithTheirLocations() throws Exception {
    TestReport r = TestRunner.run(List.of(Path.of(DIR + "broken")), TestRunner.Options.DEFAULT);
    assertEquals(List.of(), r.results());
    assertEquals(DIR + "broken/syntax.rego:5:1", r.compileErrors().get(0).location());
    assertEquals("rego_parse_error", r.compileErrors().get(0).code());
    assertEquals(2, r.exitCode(0));
  }

  @Test
  void definitionsOfTheSameTestNameAreReportedApart() throws Exception {
    TestReport r = TestRunner.run(List.of(Path.of(DIR + "dupes")), TestRunner.Options.DEFAULT);
    assertEquals(Status.PASS, result(r, "data.dupes.test_twice").status());
    TestResult second = result(r, "data.dupes.test_twice#01");
    assertEquals(Status.FAIL, second.status());
    assertEquals("1 == 2", second.failures().get(0).failedExpression());
  }

  @Test
  void syntaxOptionSelectsV0() throws Exception {
    List<Path> p = List.of(Path.of(DIR + "v0"));
    assertEquals("1 passed, 0 failed", TestRunner.run(p, TestRunner.Options.DEFAULT.withSyntax(RegoSyntax.V0)).summary());
    assertEquals(2, TestRunner.run(p, TestRunner.Options.DEFAULT).exitCode(0));
  }

  private static String text(TestReport r, boolean verbose, double threshold) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TestOutput.text(r, verbose, threshold, new PrintStream(buf, true, StandardCharsets.UTF_8));
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void verboseTextListsEveryTestAndEndsWithTheSummary() {
    String out = text(basic, true, 0);
    List<String> lines = out.lines().toList();
    assertEquals(BASIC + "authz_test.rego:", lines.get(0));
    assertTrue(Pattern.compile("^data\\.authz_test\\.test_alice_may_get: PASS \\([0-9.]+(µs|ms|s)\\)$", Pattern.MULTILINE)
        .matcher(out).find(), out);
    assertTrue(out.contains("data.authz_test.test_root_is_admin: PASS"), out);
    assertTrue(out.contains("  print: root is admin\n"), out);
    assertTrue(out.contains("data.authz_test.todo_test_later: SKIPPED\n"), out);
    assertTrue(out.contains("  failed: " + BASIC + "authz_test.rego:11:2: authz.allow with input as"), out);
    assertEquals("2 passed, 3 failed, 1 errored, 1 skipped", lines.get(lines.size() - 1));
  }

  @Test
  void quietTextShowsOnlyFailuresAndErrors() {
    String out = text(basic, false, 0);
    assertTrue(out.startsWith("FAILURES\n"), out);
    assertTrue(!out.contains(": PASS"), out);
    assertTrue(out.contains("data.authz_test.test_conflict: ERROR"), out);
    assertTrue(out.contains("  error: " + BASIC + "authz.rego:13:1: eval_conflict_error"), out);
    assertTrue(out.contains("  print: checking bob"), out);
  }

  @Test
  void textReportsCoverageAndAMissedThreshold() throws Exception {
    TestReport r = TestRunner.run(List.of(Path.of(DIR + "coverage")), TestRunner.Options.DEFAULT.withCoverage(true));
    String out = text(r, true, 75);
    assertTrue(Pattern.compile("coverage/cov\\.rego +2/5 +40\\.00% +7-9\n").matcher(out).find(), out);
    assertTrue(Pattern.compile("\ntotal +2/5 +40\\.00%\n").matcher(out).find(), out);
    assertTrue(out.contains("coverage 40.00% is below the threshold 75.00%\n"), out);
    assertTrue(out.endsWith("1 passed, 0 failed\n"), out);
  }

  @Test
  void jsonOutputCarriesResultsAndCoverage() throws Exception {
    TestReport r = TestRunner.run(List.of(Path.of(DIR + "coverage")), TestRunner.Options.DEFAULT.withCoverage(true));
    var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(TestOutput.json(r, 50));
    assertEquals("PASS", node.at("/tests/0/status").asText());
    assertEquals(1, node.at("/summary/passed").asInt());
    assertEquals(40.0, node.at("/coverage/percent").asDouble(), 1e-9);
    assertEquals("[7,8,9]", node.at("/coverage/files").elements().next().get("not_covered").toString());
    assertTrue(node.at("/coverage/below_threshold").asBoolean());
  }

  @Test
  void jsonOutputCarriesFailuresWithTheirCauses() throws Exception {
    var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(TestOutput.json(basic, 0));
    var bob = node.at("/tests/1");
    assertEquals("data.authz_test.test_bob_may_get", bob.get("name").asText());
    assertEquals("FAIL", bob.get("status").asText());
    assertEquals("[\"checking bob\"]", bob.get("output").toString());
    assertEquals(BASIC + "authz_test.rego:11:2", bob.at("/failures/0/location").asText());
    assertEquals(BASIC + "authz.rego:6:2", bob.at("/failures/0/causes/0/location").asText());
    assertEquals("input.user == \"alice\"", bob.at("/failures/0/causes/0/expression").asText());
    assertEquals(1, node.at("/summary/errored").asInt());
  }

  @Test
  void durationsPrintLikeGo() {
    assertEquals("850µs", TestOutput.duration(850_400));
    assertEquals("12.3ms", TestOutput.duration(12_340_000));
    assertEquals("1.25s", TestOutput.duration(1_250_000_000));
    assertEquals("3-5, 9", TestOutput.ranges(new TreeSet<>(Set.of(3, 4, 5, 9))));
  }
}
