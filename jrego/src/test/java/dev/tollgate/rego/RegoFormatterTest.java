package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import dev.tollgate.rego.testing.ConformanceCases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The formatter: a table of inputs and their canonical text, and a property over every module of
 * OPA's conformance sets (v1 modules, and v0 modules parsed as v0): the formatted text parses (as
 * v1) to the same syntax tree, ignoring locations and import order, and formatting it again
 * changes nothing.
 */
class RegoFormatterTest {

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("package a\nimport input.z\nimport data.b as c\np { true }",
            "package a\n\nimport data.b as c\nimport input.z\n\np if {\n\ttrue\n}\n", true),
        Arguments.of("package a\np[x] { x := 1 }\nq[k] = v { k := 1; v := 2 }",
            "package a\n\np contains x if {\n\tx := 1\n}\n\nq[k] = v if {\n\tk := 1\n\tv := 2\n}\n", true),
        Arguments.of("package a\n\n\n# leading\np := 1   # trailing\nf(x)=y if {y:=x+1*2}",
            "package a\n\n# leading\np := 1 # trailing\n\nf(x) = y if {\n\ty := x + 1 * 2\n}\n", false),
        Arguments.of("package a\np if (1+2)*3 > 4", "package a\n\np if (1 + 2) * 3 > 4\n", false),
        Arguments.of("package a\np if 1-(2-3) == 0", "package a\n\np if 1 - (2 - 3) == 0\n", false),
        Arguments.of("package a\nq := set()\nr := {x | some x in [1]}\ns := {k: v | some k, v in {\"a\": 1}}",
            "package a\n\nq := set()\n\nr := {x | some x in [1]}\n\ns := {k: v | some k, v in {\"a\": 1}}\n", false),
        Arguments.of("package a\np if {\nevery x in [1] {\nx > 0\n}\nnot input.y with input as {}\n}\nelse := 2",
            "package a\n\np if {\n\tevery x in [1] {\n\t\tx > 0\n\t}\n\tnot input.y with input as {}\n} else := 2\n", false),
        Arguments.of("package a\n\np if {\n\tx := 1\n\t# last\n} # after\n\nq if {\n\tevery x in [1] {\n\t\tx\n\t\t# inner\n\t}\n}\n",
            "package a\n\np if {\n\tx := 1\n\t# last\n} # after\n\nq if {\n\tevery x in [1] {\n\t\tx\n\t\t# inner\n\t}\n}\n", false),
        Arguments.of("package a\ndefault allow := false\nallow if input[\"my-key\"].x[_] == `raw`",
            "package a\n\ndefault allow := false\n\nallow if input[\"my-key\"].x[_] == \"raw\"\n", false));
  }

  @ParameterizedTest
  @MethodSource("table")
  void formats(String in, String expected, boolean v0) {
    assertEquals(expected, RegoFormatter.format("a.rego", in, v0));
    assertEquals(expected, RegoFormatter.format("a.rego", expected, false));
  }

  @Test
  void syntaxErrorsNameTheLocation() {
    RegoCompileException e = assertThrows(RegoCompileException.class,
        () -> RegoFormatter.format("bad.rego", "package a\n\np if {\n", false));
    assertEquals("bad.rego", e.errors().get(0).location().split(":")[0]);
  }

  record Sample(String note, String text, boolean v0) {
    @Override
    public String toString() {
      return note;
    }
  }

  static Stream<Sample> conformanceModules() throws IOException {
    List<Sample> out = new ArrayList<>();
    for (String set : List.of("v1", "v0")) {
      Path root = ConformanceCases.require(set);
      ObjectMapper mapper = new ObjectMapper(set.equals("v1") ? new YAMLFactory() : null);
      List<Path> files;
      try (Stream<Path> s = Files.walk(root)) {
        files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList();
      }
      for (Path f : files) {
        JsonNode cases = mapper.readTree(f.toFile()).path("cases");
        for (JsonNode c : cases) {
          int i = 0;
          for (JsonNode m : c.path("modules")) {
            out.add(new Sample(set + " " + c.path("note").asText() + " #" + i++, m.asText(), set.equals("v0")));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("conformanceModules")
  void formattedModulesKeepTheirSyntaxTree(Sample s) {
    Ast.Module original;
    try {
      original = Parser.parseModule("m.rego", s.text(), !s.v0());
    } catch (RegoException e) {
      return; // cases about syntax errors
    }
    String formatted = RegoFormatter.format("m.rego", s.text(), s.v0());
    Ast.Module again;
    try {
      again = Parser.parseModule("m.rego", formatted, true);
    } catch (RegoException e) {
      // a v0 module naming a variable or rule after a v1 keyword (in, contains, every, if) has no v1 form
      assumeTrue(!(s.v0() && e.getMessage().contains("keyword")), "v0 module uses a v1 keyword as a name");
      throw new AssertionError("formatted text does not parse: " + e.getMessage() + "\n" + formatted, e);
    }
    assertEquals(shape(original), shape(again), () -> "syntax tree changed:\n" + formatted);
    assertEquals(formatted, RegoFormatter.format("m.rego", formatted, false), "not idempotent");
  }

  /** The location-free syntax tree, imports in order. */
  private static Value shape(Ast.Module m) {
    ObjectValue o = (ObjectValue) AstJson.module(m);
    Value imports = o.get("imports");
    if (imports instanceof ArrayValue a) {
      List<Value> sorted = new ArrayList<>(a.asList());
      sorted.sort(Comparator.comparing(Value::toJson));
      o = o.with(StringValue.of("imports"), ArrayValue.of(sorted));
    }
    return o;
  }
}
