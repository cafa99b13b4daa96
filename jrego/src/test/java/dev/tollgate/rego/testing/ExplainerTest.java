package dev.tollgate.rego.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.testing.DefinitionReport.Outcome;
import dev.tollgate.rego.value.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ExplainerTest {
  private static final String FILE = TestRunnerTest.DIR + "explain/authz.rego";
  private static Explainer explainer;

  @BeforeAll
  static void compile() throws Exception {
    PolicyFiles files = PolicyFiles.load(List.of(Path.of(TestRunnerTest.DIR + "explain")));
    Rego.Builder b = Rego.compiler().data(Json.parse("{\"writers\": [\"alice\"]}"));
    files.modules().forEach(b::module);
    CompiledPolicy policy = b.compile();
    explainer = new Explainer(policy, files.modules());
  }

  private static Explanation explain(String ref, String input) {
    return explainer.explain(ref, EvalOptions.input(Json.parse(input)));
  }

  /** Outcomes of the definitions in source order: {@code OUTCOME@failed-line:col} or OUTCOME. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "data.envoy.authz.allow  | {\"method\": \"POST\", \"user\": \"bob\"}     | false      | PRODUCED NOT_APPLIED@6:2 NOT_APPLIED@12:2",
    "data.envoy.authz.allow  | {\"method\": \"POST\", \"user\": \"alice\"}   | true       | NOT_EVALUATED NOT_APPLIED@6:2 PRODUCED",
    "data.envoy.authz.allow  | {\"method\": \"GET\", \"path\": \"/x\"}      | false      | PRODUCED NOT_APPLIED@7:2 NOT_APPLIED@11:2",
    "envoy/authz/reason      | {\"method\": \"POST\"}                     | \"writer\"   | NOT_APPLIED@16:2 PRODUCED NOT_EVALUATED",
    "data.envoy.authz.reason | {\"method\": \"GET\"}                      | \"reader\"   | PRODUCED NOT_EVALUATED NOT_EVALUATED",
    "data.envoy.authz.reason | {}                                         | \"unknown\"  | NOT_APPLIED@16:2 NOT_APPLIED@18:2 PRODUCED",
  })
  void explainsEachDefinition(String ref, String input, String value, String outcomes) {
    Explanation x = explain(ref, input);
    assertEquals(Json.parse(value), x.value());
    StringBuilder got = new StringBuilder();
    for (DefinitionReport d : x.definitions()) {
      if (got.length() > 0) {
        got.append(' ');
      }
      got.append(d.outcome());
      if (d.outcome() == Outcome.NOT_APPLIED) {
        got.append('@').append(d.failedAt().substring(FILE.length() + 1));
      }
    }
    assertEquals(outcomes, got.toString());
  }

  @Test
  void rendersValueDefinitionsAndFailedExpressions() {
    String text = explain("data.envoy.authz.allow", "{\"method\": \"POST\", \"user\": \"bob\"}").render();
    assertEquals(String.join("\n",
        "data.envoy.authz.allow = false",
        "  " + FILE + ":3:1: default allow := false",
        "    supplied the value: no other definition applied",
        "  " + FILE + ":5:1: allow if {",
        "    did not apply: " + FILE + ":6:2: input.method == \"GET\" is false or undefined",
        "  " + FILE + ":10:1: allow if {",
        "    did not apply: " + FILE + ":12:2: input.user in data.writers is false or undefined",
        ""), text);
  }

  @Test
  void undefinedRefsAndPlainData() {
    Explanation x = explain("data.writers", "{}");
    assertEquals(Json.parse("[\"alice\"]"), x.value());
    assertTrue(x.render().contains("no rule defines data.writers"), x.render());
    assertEquals("data.nothing = undefined\n  no rule defines data.nothing (it is base data or a package)\n",
        explain("data.nothing", "{}").render());
  }
}
