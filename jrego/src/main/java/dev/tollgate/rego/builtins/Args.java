package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;

/**
 * Operand accessors that fail with OPA's type-error wording, e.g. {@code operand 1 must be
 * string but got number}. Operand positions are 0-based here and 1-based in messages.
 */
public final class Args {
  private Args() {}

  public static String string(Value[] args, int i) throws BuiltinException {
    if (args[i] instanceof StringValue s) {
      return s.value();
    }
    throw mustBe(i, "string", args[i]);
  }

  public static NumberValue number(Value[] args, int i) throws BuiltinException {
    if (args[i] instanceof NumberValue n) {
      return n;
    }
    throw mustBe(i, "number", args[i]);
  }

  /** An integer operand that fits a long. */
  public static long integer(Value[] args, int i) throws BuiltinException {
    NumberValue n = number(args, i);
    if (!n.isInteger()) {
      throw BuiltinException.typeError(
          "operand " + (i + 1) + " must be integer number but got floating-point number");
    }
    if (!n.isLong()) {
      throw BuiltinException.typeError("operand " + (i + 1) + " must be an integer that fits 64 bits");
    }
    return n.longValue();
  }

  public static boolean bool(Value[] args, int i) throws BuiltinException {
    if (args[i] instanceof BooleanValue b) {
      return b.value();
    }
    throw mustBe(i, "boolean", args[i]);
  }

  public static ArrayValue array(Value[] args, int i) throws BuiltinException {
    if (args[i] instanceof ArrayValue a) {
      return a;
    }
    throw mustBe(i, "array", args[i]);
  }

  public static ObjectValue object(Value[] args, int i) throws BuiltinException {
    if (args[i] instanceof ObjectValue o) {
      return o;
    }
    throw mustBe(i, "object", args[i]);
  }

  public static SetValue set(Value[] args, int i) throws BuiltinException {
    if (args[i] instanceof SetValue s) {
      return s;
    }
    throw mustBe(i, "set", args[i]);
  }

  /** {@code operand N must be T but got U}. */
  public static BuiltinException mustBe(int i, String type, Value got) {
    return BuiltinException.typeError(
        "operand " + (i + 1) + " must be " + type + " but got " + got.typeName());
  }

  /** {@code operand N must be one of {a, b} but got U}. */
  public static BuiltinException mustBeOneOf(int i, Value got, String... types) {
    return BuiltinException.typeError(
        "operand " + (i + 1) + " must be one of {" + String.join(", ", types) + "} but got "
            + got.typeName());
  }
}
