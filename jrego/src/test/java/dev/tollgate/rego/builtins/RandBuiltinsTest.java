package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.StringValue;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RandBuiltinsTest {

  static Stream<Arguments> cases() {
    return Table.rows(
        """
        rand.intn | ["x", 0] | 0
        rand.intn | ["x", 1] | 0
        rand.intn | ["x", -1] | 0
        rand.intn | [1, 10] | type: operand 1 must be string but got number
        rand.intn | ["x", "10"] | type: operand 2 must be number but got string
        rand.intn | ["x", 1.5] | type: operand 2 must be integer number but got floating-point number
        """);
  }

  @ParameterizedTest(name = "{0}{1} = {2}")
  @MethodSource("cases")
  void builtin(String builtin, String operands, String expected) {
    Table.check(new TestContext(), builtin, operands, expected);
  }

  @Test
  void sameOperandsGiveTheSameNumberWithinAnEvaluation() throws BuiltinException {
    TestContext ctx = new TestContext(BuiltinContext.Capabilities.NONE, 7);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      var first = (NumberValue) TestContext.call(ctx, "rand.intn", StringValue.of("k" + i), NumberValue.of(1000));
      var again = (NumberValue) TestContext.call(ctx, "rand.intn", StringValue.of("k" + i), NumberValue.of(1000));
      assertEquals(first, again);
      assertTrue(first.longValue() >= 0 && first.longValue() < 1000);
      seen.add(first.longValue());
    }
    // 50 draws from 1000 values: a constant generator would give one value.
    assertTrue(seen.size() > 10, "draws: " + seen);
  }

  @Test
  void negativeBoundIsItsAbsoluteValue() throws BuiltinException {
    TestContext ctx = new TestContext();
    var neg = TestContext.call(ctx, "rand.intn", StringValue.of("a"), NumberValue.of(-5));
    var pos = TestContext.call(ctx, "rand.intn", StringValue.of("a"), NumberValue.of(5));
    assertEquals(neg, pos);
  }

  @Test
  void declaredNondeterministic() {
    assertTrue(BuiltinRegistry.standard().get("rand.intn").nondeterministic());
    assertTrue(BuiltinRegistry.standard().get("http.send").nondeterministic());
    assertTrue(BuiltinRegistry.standard().get("net.lookup_ip_addr").nondeterministic());
  }
}
