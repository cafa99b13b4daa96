package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoSyntax;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckerTest {
  private static final String DIR = TestRunnerTest.DIR + "broken/";

  private static List<String> render(List<RegoError> errors) {
    return errors.stream().map(RegoError::toString).toList();
  }

  @Test
  void reportsParseErrorsAndTheCompileErrorsOfModulesThatParsed() throws Exception {
    assertEquals(List.of(
        DIR + "ok.rego:5:2: rego_unsafe_var_error: var y is unsafe",
        DIR + "ok.rego:8:6: rego_unsafe_var_error: var z is unsafe",
        DIR + "syntax.rego:5:1: rego_parse_error: unexpected } token"),
        render(Checker.check(List.of(Path.of(DIR)), RegoSyntax.V1)));
  }

  @Test
  void undefinedFunctionsAreLeftOutWhileAModuleDoesNotParse() {
    Map<String, String> modules = new LinkedHashMap<>();
    modules.put("lib.rego", "package lib\n\nf(x) := x +\n");
    modules.put("use.rego", "package use\n\np := data.lib.f(1)\n\nq := r\n");
    assertEquals(List.of(
        "lib.rego:4:1: rego_parse_error: unexpected eof token",
        "use.rego:5:6: rego_unsafe_var_error: var r is unsafe"),
        render(Checker.check(modules, RegoSyntax.V1)));
  }

  @Test
  void reportsSeveralSyntaxErrorsOfOneModuleAndTheCompileErrorsAroundThem() {
    String text = String.join("\n",
        "package multi",                 // 1
        "",                              // 2
        "a if {",                        // 3
        "\tinput.x ==",                  // 4
        "}",                             // 5
        "",                              // 6
        "b := c",                        // 7: unsafe var c
        "",                              // 8
        "d if {",                        // 9
        "\tinput.y ) 1",                 // 10
        "}",                             // 11
        "",                              // 12
        "e := [1, 2",                    // 13
        "");
    assertEquals(List.of(
        "m.rego:5:1: rego_parse_error: unexpected } token",
        "m.rego:7:6: rego_unsafe_var_error: var c is unsafe",
        "m.rego:10:10: rego_parse_error: unexpected ) token",
        "m.rego:14:1: rego_parse_error: unexpected eof token, expected ]"),
        render(Checker.check(Map.of("m.rego", text), RegoSyntax.V1)));
  }

  @Test
  void aBrokenPackageClauseEndsTheSearchInThatModule() {
    assertEquals(List.of("p.rego:1:9: rego_parse_error: unexpected eof token, expected ident"),
        render(Checker.check(Map.of("p.rego", "package "), RegoSyntax.V1)));
  }

  @Test
  void cleanModulesHaveNoErrors() {
    assertEquals(List.of(), Checker.check(Map.of("t.rego",
        "package t\n\nx := concat(\",\", [\"a\", \"b\"],)\n"), RegoSyntax.V1));
  }
}
