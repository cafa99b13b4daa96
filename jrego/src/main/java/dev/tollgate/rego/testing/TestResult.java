package dev.tollgate.rego.testing;

import java.util.List;

/**
 * The outcome of one {@code test_} rule.
 *
 * @param name the fully qualified test name, e.g. {@code data.authz_test.test_allow} ({@code #01},
 *     {@code #02}... for further definitions of the same name)
 * @param location the test rule's head, {@code file:line:col}
 * @param status pass, fail, error or skipped
 * @param durationNanos evaluation time
 * @param output what the test printed with {@code print()}
 * @param failures for failed tests: each definition branch that did not apply and why
 * @param error for errored tests: the evaluation error(s), each with its location
 */
public record TestResult(
    String name,
    String location,
    Status status,
    long durationNanos,
    List<String> output,
    List<DefinitionReport> failures,
    String error) {
  public TestResult {
    output = List.copyOf(output);
    failures = List.copyOf(failures);
    error = error == null ? "" : error;
  }

  /** How a test ended. */
  public enum Status {
    PASS,
    FAIL,
    ERROR,
    SKIPPED
  }

  /** The file the test is defined in. */
  public String file() {
    return SourceText.Location.parse(location).file();
  }
}
