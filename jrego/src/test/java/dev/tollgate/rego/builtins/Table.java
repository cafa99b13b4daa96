package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Test tables written as lines of {@code builtin | [operands as JSON] | expected}. The expected
 * column is a JSON value (sets as sorted arrays), {@code undefined}, {@code error: text} for an
 * eval_builtin_error whose message contains text, or {@code type: text} for an eval_type_error.
 */
final class Table {
  private Table() {}

  static Stream<Arguments> rows(String text) {
    List<Arguments> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      String[] cols = line.split(" \\| ", 3);
      if (cols.length != 3) {
        throw new IllegalArgumentException("bad table row: " + line);
      }
      out.add(Arguments.of(cols[0].strip(), cols[1].strip(), cols[2].strip()));
    }
    return out.stream();
  }

  static void check(BuiltinContext ctx, String builtin, String operands, String expected) {
    Value[] args = ((ArrayValue) Json.parse(operands)).toArray();
    if (expected.startsWith("error:") || expected.startsWith("type:")) {
      boolean type = expected.startsWith("type:");
      String text = expected.substring(expected.indexOf(':') + 1).strip();
      BuiltinException e =
          assertThrows(BuiltinException.class, () -> TestContext.call(ctx, builtin, args));
      assertEquals(type, e.isTypeError(), () -> "error kind of: " + e.getMessage());
      assertTrue(
          e.getMessage().contains(text),
          () -> "message \"" + e.getMessage() + "\" lacks \"" + text + "\"");
      return;
    }
    Value got;
    try {
      got = TestContext.call(ctx, builtin, args);
    } catch (BuiltinException e) {
      throw new AssertionError(builtin + operands + " failed: " + e.getMessage(), e);
    }
    if (expected.equals("undefined")) {
      assertEquals(null, got);
      return;
    }
    assertEquals(Json.parse(expected).toJson(), got == null ? "undefined" : got.toJson());
  }
}
