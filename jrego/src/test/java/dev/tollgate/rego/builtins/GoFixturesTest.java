package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares the built-ins with results recorded from Go's standard library (see
 * {@code src/test/resources/gofixtures/README.md}); every line of a fixture must agree.
 */
class GoFixturesTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sprintf", "regex", "template", "strings", "units"})
  void agreesWithGo(String fixture) throws IOException {
    Function<ObjectValue, String> check = switch (fixture) {
      case "sprintf" -> GoFixturesTest::sprintf;
      case "regex" -> GoFixturesTest::regex;
      case "template" -> GoFixturesTest::template;
      case "strings" -> GoFixturesTest::strings;
      default -> GoFixturesTest::units;
    };
    List<String> mismatches = new ArrayList<>();
    int cases = 0;
    try (InputStream in = getClass().getResourceAsStream("/gofixtures/" + fixture + ".jsonl");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        cases++;
        String problem = check.apply((ObjectValue) Json.parse(line));
        if (problem != null && mismatches.size() < 10) {
          mismatches.add(line + "\n    " + problem);
        } else if (problem != null) {
          mismatches.add("...");
        }
      }
    }
    assertTrue(cases > 100, "fixture " + fixture + " has cases");
    assertEquals(List.of(), mismatches, mismatches.size() + " of " + cases + " differ from Go");
  }

  private static String str(ObjectValue o, String key) {
    return ((StringValue) o.get(key)).value();
  }

  /** The result as JSON, or "ERR message" for a failure, as the fixtures record errors. */
  private static Value call(String name, Value... args) {
    try {
      Value v = StringsTestSupport.call(name, args);
      return v == null ? StringValue.of("undefined") : v;
    } catch (BuiltinException e) {
      return StringValue.of("ERR " + e.getMessage());
    }
  }

  private static String differ(Value want, Value got) {
    return want.equals(got) ? null : "want " + want.toJson() + " got " + got.toJson();
  }

  private static String sprintf(ObjectValue c) {
    return differ(c.get("want"), call("sprintf", c.get("format"), c.get("args")));
  }

  private static String regex(ObjectValue c) {
    Value pattern = c.get("pattern");
    Value input = c.get("input");
    Value got = switch (str(c, "op")) {
      case "find" -> call("regex.find_n", pattern, input, NumberValue.of(-1));
      case "split" -> call("regex.split", pattern, input);
      case "replace" -> call("regex.replace", input, pattern, c.get("replacement"));
      case "sub" -> call("regex.find_all_string_submatch_n", pattern, input, NumberValue.of(-1));
      default -> call("regex.match", pattern, input);
    };
    return differ(c.get("want"), got);
  }

  private static String template(ObjectValue c) {
    return differ(c.get("want"), call("strings.render_template", c.get("template"), c.get("vars")));
  }

  private static String strings(ObjectValue c) {
    String op = str(c, "op");
    Value s = c.get("s");
    Value x = c.get("x");
    Value got = switch (op) {
      case "trim_space", "lower", "upper", "urlquery.encode", "urlquery.decode",
          "urlquery.decode_object" -> call(op, s);
      case "replace" -> call(op, s, x, c.get("y"));
      case "strings.replace_n" -> call(op, Json.parse(((StringValue) x).value()), s);
      default -> call(op, s, x);
    };
    Value want = c.get("want");
    if (want instanceof ArrayValue arr && arr.isEmpty() && got instanceof ArrayValue g && g.isEmpty()) {
      return null;
    }
    return differ(want, got);
  }

  private static String units(ObjectValue c) {
    String amount = str(c, "amount");
    Value bytes = call("units.parse_bytes", StringValue.of(amount + str(c, "unit")));
    Value parse = call("units.parse", StringValue.of(amount + str(c, "siUnit")));
    NumberValue wantBytes = NumberValue.parse(str(c, "bytes"));
    NumberValue wantParse = NumberValue.of(new BigDecimal(str(c, "parse")));
    if (!wantBytes.equals(bytes)) {
      return "parse_bytes: want " + wantBytes + " got " + bytes.toJson();
    }
    return wantParse.equals(parse) ? null : "parse: want " + wantParse + " got " + parse.toJson();
  }
}
