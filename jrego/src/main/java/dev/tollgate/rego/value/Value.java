package dev.tollgate.rego.value;

/**
 * A Rego value: an immutable JSON value extended with sets and non-string object keys.
 *
 * <p>Values are totally ordered the way OPA orders terms: null &lt; boolean &lt; number &lt;
 * string &lt; array &lt; object &lt; set; within a type by content. {@code equals} and
 * {@code hashCode} agree with that order (so {@code 1} equals {@code 1.0}, as in Rego).
 */
public sealed interface Value extends Comparable<Value>
    permits NullValue, BooleanValue, NumberValue, StringValue, ArrayValue, ObjectValue, SetValue {

  /** The name Rego's {@code type_name} built-in gives this value. */
  String typeName();

  /** Position of this value's type in OPA's cross-type ordering. */
  int typeRank();

  @Override
  default int compareTo(Value other) {
    return ValueOrder.compare(this, other);
  }

  /** The value as compact JSON text (sets as sorted arrays, non-string keys as their JSON text). */
  default String toJson() {
    return Json.write(this);
  }

  static Value of(String s) {
    return StringValue.of(s);
  }

  static Value of(long n) {
    return NumberValue.of(n);
  }

  static Value of(boolean b) {
    return BooleanValue.of(b);
  }
}
