package dev.tollgate.rego.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueModelTest {
  @Test
  void typesOrderAsInOpa() {
    List<Value> ordered = List.of(
        NullValue.INSTANCE,
        BooleanValue.FALSE,
        BooleanValue.TRUE,
        NumberValue.of(-5),
        NumberValue.parse("1.5"),
        NumberValue.of(2),
        StringValue.of(""),
        StringValue.of("a"),
        ArrayValue.of(NumberValue.of(1)),
        ArrayValue.of(NumberValue.of(1), NumberValue.of(0)),
        ObjectValue.builder().put("a", NumberValue.of(1)).build(),
        SetValue.of(NumberValue.of(1)));
    List<Value> shuffled = new ArrayList<>(ordered);
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);
    assertEquals(ordered, shuffled);
  }

  @ParameterizedTest
  @CsvSource({"1, 1.0", "1, 1e0", "100, 1e2", "0, -0", "0.5, 5e-1", "12345678901234567890, 1.2345678901234567890e19"})
  void numericallyEqualNumbersAreEqual(String a, String b) {
    NumberValue x = NumberValue.parse(a);
    NumberValue y = NumberValue.parse(b);
    assertEquals(x, y);
    assertEquals(x.hashCode(), y.hashCode());
    assertEquals(0, x.compareTo(y));
    assertTrue(SetValue.of(x).contains(y));
  }

  @Test
  void compositeEqualityFollowsNumbers() {
    assertEquals(ArrayValue.of(NumberValue.of(1)), ArrayValue.of(NumberValue.parse("1.0")));
    assertEquals(
        ObjectValue.of(java.util.Map.of(NumberValue.of(1), Value.of("x"))),
        ObjectValue.of(java.util.Map.of(NumberValue.parse("1.00"), Value.of("x"))));
    assertNotEquals(NumberValue.of(1), StringValue.of("1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "null", "true", "0", "-1", "1.5", "123456789012345678901234567890",
    "-98765432109876543210.125", "\"a\\\"b\\n\\u0001\"", "[]", "{}", "[1,[2,{\"a\":null}]]",
    "{\"a\":{\"b\":[1,2,3]},\"c\":\"d\"}", "1e+30", "1.25e-7"
  })
  void jsonRoundTripsExactly(String json) {
    Value v = Json.parse(json);
    Value again = Json.parse(v.toJson());
    assertEquals(v, again);
    assertEquals(v.toJson(), again.toJson());
  }

  @Test
  void bigNumbersStayExact() {
    NumberValue big = NumberValue.parse("9223372036854775807");
    NumberValue sum = big.add(NumberValue.ONE);
    assertEquals("9223372036854775808", sum.toString());
    assertEquals(new BigInteger("9223372036854775808"), sum.toBigInteger());
    NumberValue product = NumberValue.of(Long.MAX_VALUE).multiply(NumberValue.of(Long.MAX_VALUE));
    assertEquals(new BigInteger("85070591730234615847396907784232501249"), product.toBigInteger());
    assertEquals("0.3", NumberValue.parse("0.1").add(NumberValue.parse("0.2")).toString());
    assertEquals(NumberValue.of(new BigDecimal("1E+2")), NumberValue.of(100));
    assertTrue(NumberValue.parse("1e400").compareTo(NumberValue.parse("1e399")) > 0);
  }

  @Test
  void hugeExponentsStayCheap() {
    NumberValue huge = NumberValue.parse("1e999999999");
    assertEquals("1e+999999999", huge.toString());
    assertEquals("1e+999999999", huge.add(NumberValue.ONE).toString());
    assertEquals(NumberValue.ONE, NumberValue.parse("1e-999999999").add(NumberValue.ONE));
    assertTrue(huge.isInteger());
  }

  @Test
  void setsAndObjectsIterateInValueOrder() {
    SetValue s = SetValue.of(Value.of("b"), Value.of(2), Value.of("a"), NullValue.INSTANCE);
    assertEquals(List.of(NullValue.INSTANCE, Value.of(2), Value.of("a"), Value.of("b")), s.sorted());
    ObjectValue o = ObjectValue.builder().put("z", Value.of(1)).put("a", Value.of(2)).build();
    assertEquals(List.of(Value.of("a"), Value.of("z")), o.sortedKeys());
    assertEquals("{\"a\":2,\"z\":1}", o.toJson());
    assertEquals("[null,2,\"a\",\"b\"]", s.toJson());
  }

  @Test
  void invalidJsonIsAnError() {
    assertThrows(RuntimeException.class, () -> Json.parse("{\"a\":"));
    assertThrows(ArithmeticException.class, () -> NumberValue.of(Double.NaN));
  }

  /**
   * Small objects and sets (arrays, linear lookups) behave exactly as hash-backed ones built from
   * the same entries: lookups, equality and hash across representations, order, duplicates.
   */
  @Test
  void smallObjectsAndSetsMatchHashBackedOnes() {
    Random random = new Random(11);
    Value[] pool = {StringValue.of("a"), StringValue.of("b"), StringValue.of("c"), NumberValue.of(1),
        NumberValue.parse("1.0"), BooleanValue.TRUE, NullValue.INSTANCE, ArrayValue.of(StringValue.of("a")),
        StringValue.of("d"), StringValue.of("e"), StringValue.of("f"), StringValue.of("g"), StringValue.of("h")};
    for (int round = 0; round < 5_000; round++) {
      int n = random.nextInt(12);
      Value[] keys = new Value[n];
      Value[] values = new Value[n];
      java.util.LinkedHashMap<Value, Value> expected = new java.util.LinkedHashMap<>();
      java.util.LinkedHashSet<Value> expectedSet = new java.util.LinkedHashSet<>();
      SetValue.Builder builder = new SetValue.Builder();
      for (int i = 0; i < n; i++) {
        keys[i] = pool[random.nextInt(pool.length)];
        values[i] = pool[random.nextInt(pool.length)];
        expected.put(keys[i], values[i]);
        expectedSet.add(keys[i]);
        builder.add(keys[i]);
      }
      ObjectValue small = ObjectValue.ofPairs(keys.clone(), values.clone(), n);
      ObjectValue hashed = ObjectValue.wrap(new java.util.LinkedHashMap<>(expected));
      assertEquals(expected, small.asMap());
      assertEquals(hashed, small);
      assertEquals(small, hashed);
      assertEquals(hashed.hashCode(), small.hashCode());
      assertEquals(hashed.toJson(), small.toJson());
      assertEquals(hashed.sortedKeys(), small.sortedKeys());
      assertEquals(List.copyOf(expected.keySet()), List.copyOf(small.asMap().keySet()), "insertion order");
      for (Value k : pool) {
        assertEquals(expected.get(k), small.get(k));
      }
      SetValue built = builder.build();
      SetValue of = SetValue.of(List.of(keys));
      assertEquals(expectedSet, built.asSet());
      assertEquals(built, of);
      assertEquals(of.hashCode(), built.hashCode());
      assertEquals(of.toJson(), built.toJson());
      assertEquals(expectedSet.stream().sorted().toList(), built.sorted());
      for (Value k : pool) {
        assertEquals(expectedSet.contains(k), built.contains(k));
      }
    }
  }
}
