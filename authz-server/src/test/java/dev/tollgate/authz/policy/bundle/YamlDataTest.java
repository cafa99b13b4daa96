package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** YAML data files mean what YAML says, as in OPA (YAML 1.1 via Go's yaml.v2). */
class YamlDataTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BundleLoader loader = new BundleLoader(BundleOptions.DEFAULT);

  static Stream<Arguments> documents() {
    return Stream.of(
        Arguments.of("anchors and aliases expand", "base: &b [1, 2]\ncopy: *b\n",
            "{\"base\": [1, 2], \"copy\": [1, 2]}"),
        Arguments.of("aliased mapping", "a: &m {x: 1}\nb: *m\n",
            "{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}}"),
        Arguments.of("YAML 1.1 booleans", "a: yes\nb: off\nc: true\n",
            "{\"a\": true, \"b\": false, \"c\": true}"),
        Arguments.of("null forms", "a: ~\nb: null\nc:\nd: \"\"\n",
            "{\"a\": null, \"b\": null, \"c\": null, \"d\": \"\"}"),
        Arguments.of("only the first document", "a: 1\n---\nb: 2\n", "{\"a\": 1}"),
        Arguments.of("empty document is null", "", "null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documents")
  void readsYamlAsOpaDoes(String what, String yaml, String json) throws Exception {
    Bundle b = loader.loadArchive(TarGz.archive().file("/d/data.yaml", yaml).build(), what);
    assertEquals(Optional.of(JSON.readTree(json)), b.dataAt(List.of("d")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesYamlThatCannotBeData(String what, String path, String yaml, String reason) {
    BundleException e = assertThrows(BundleException.class,
        () -> loader.loadArchive(TarGz.archive().file(path, yaml).build(), what));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertEquals(Optional.of(path), e.entry());
  }

  static Stream<Arguments> refused() {
    StringBuilder laughs = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'k'; c++) {
      char prev = (char) (c - 1);
      laughs.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        laughs.append(i == 0 ? "" : ", ").append('*').append(prev);
      }
      laughs.append("]\n");
    }
    return Stream.of(
        Arguments.of("billion laughs", "/data.yaml", laughs.toString(), "YAML aliases expand to more than 10000 values"),
        Arguments.of("infinity", "/x/data.yaml", "v: .inf\n", "'.inf'"),
        Arguments.of("empty root document", "/data.yaml", "", "must hold an object"),
        Arguments.of("bad indentation", "/x/data.yml", "a:\n  b: 1\n c: 2\n",
            "invalid YAML at line 3"));
  }
}
