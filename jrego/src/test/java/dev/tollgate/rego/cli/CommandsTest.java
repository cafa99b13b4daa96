package dev.tollgate.rego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandsTest {
  private static final String DIR = "src/test/resources/regotest/";

  private record Run(int code, String out, String err) {}

  private interface Command {
    int run(List<String> args, PrintStream out, PrintStream err);
  }

  private static Run run(Command c, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = c.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Exit codes and the summary line of {@code jrego test}. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "data                                     | 0 | 2 passed, 0 failed",
    "basic                                    | 1 | 2 passed, 3 failed, 1 errored, 1 skipped",
    "--run alice basic                        | 1 | 1 passed, 1 failed",
    "--run alice_may_get basic                | 0 | 1 passed, 0 failed",
    "--coverage coverage                      | 0 | 1 passed, 0 failed",
    "--coverage --threshold 40 coverage       | 0 | 1 passed, 0 failed",
    "--threshold 41 coverage                  | 1 | 1 passed, 0 failed",
    "--syntax v0 v0                           | 0 | 1 passed, 0 failed",
  })
  void testCommand(String args, int code, String summary) {
    List<String> a = new java.util.ArrayList<>();
    String[] parts = args.strip().split("\\s+");
    for (int i = 0; i < parts.length; i++) {
      a.add(i == parts.length - 1 ? DIR + parts[i] : parts[i]);
    }
    Run r = run(TestCommand::run, a.toArray(new String[0]));
    assertEquals(code, r.code(), r.out() + r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(summary, lines.get(lines.size() - 1));
  }

  @Test
  void compileErrorsExitWithTwo() {
    Run r = run(TestCommand::run, DIR + "broken");
    assertEquals(2, r.code());
    assertEquals("1 error occurred:\n" + DIR + "broken/syntax.rego:5:1: rego_parse_error: unexpected } token\n", r.out());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--run (                 | --run: invalid regular expression",
    "--threshold x a         | --threshold must be a number",
    "--frobnicate a          | unknown option --frobnicate",
    "--verbose               | no path given",
    "no/such/dir             | no/such/dir: no such file or directory",
  })
  void badArgumentsAreUsageErrors(String args, String message) {
    Run r = run(TestCommand::run, args.strip().split("\\s+"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains(message), r.err());
  }

  @Test
  void jsonFormat() throws Exception {
    Run r = run(TestCommand::run, "--format", "json", "--coverage", DIR + "coverage");
    var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
    assertEquals("data.cov_test.test_admin_allowed", node.at("/tests/0/name").asText());
    assertEquals(40.0, node.at("/coverage/percent").asDouble(), 1e-9);
  }

  @Test
  void checkListsEveryError() {
    Run r = run(CheckCommand::run, DIR + "broken");
    assertEquals(1, r.code());
    assertEquals(List.of("3 errors occurred:",
        DIR + "broken/ok.rego:5:2: rego_unsafe_var_error: var y is unsafe",
        DIR + "broken/ok.rego:8:6: rego_unsafe_var_error: var z is unsafe",
        DIR + "broken/syntax.rego:5:1: rego_parse_error: unexpected } token"), r.out().lines().toList());
    assertEquals(0, run(CheckCommand::run, DIR + "basic").code());
  }

  @Test
  void evalPrintsValuesAndExplanations(@TempDir Path tmp) throws Exception {
    Path input = tmp.resolve("input.json");
    Files.writeString(input, "{\"method\": \"POST\", \"user\": \"alice\"}");
    Path data = tmp.resolve("writers.yaml");
    Files.writeString(data, "writers: [alice]\n");
    String policy = DIR + "explain";
    Run r = run(EvalCommand::run, "--data", policy, "--data", data.toString(), "--input", input.toString(),
        "data.envoy.authz.allow");
    assertEquals(new Run(0, "true\n", ""), r);
    r = run(EvalCommand::run, "-d", policy, "-d", data.toString(), "-i", input.toString(), "x := data.envoy.authz.reason");
    assertEquals("[{\"x\":\"writer\"}]\n", r.out());
    r = run(EvalCommand::run, "-d", policy, "-d", data.toString(), "-i", input.toString(), "--explain",
        "data.envoy.authz.allow");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("data.envoy.authz.allow = true\n"), r.out());
    assertTrue(r.out().contains(policy + "/authz.rego:10:1: allow if {\n    produced the value\n"), r.out());
    r = run(EvalCommand::run, "-d", policy, "--explain", "x := 1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--explain needs a rule reference"), r.err());
    r = run(EvalCommand::run, "-d", policy, "data.envoy.authz.nothing");
    assertEquals("undefined\n", r.out());
  }
}
