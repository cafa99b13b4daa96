package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;

/**
 * Values written the way OPA prints terms ({@code ast.Term.String()}): strings quoted as Go's
 * strconv.Quote, {@code ", "} between elements, {@code ": "} in objects, sets in braces and the
 * empty set as {@code set()}. Object keys and set elements appear in value order.
 */
public final class RegoText {
  private RegoText() {}

  /** The value as OPA prints it (also what {@code print} and {@code sprintf("%v")} show). */
  public static String of(Value v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, false);
    return sb.toString();
  }

  /**
   * The same layout kept valid JSON: strings and numbers as JSON and sets as sorted arrays. This
   * is what OPA's io.jwt.encode_sign serializes header and payload as.
   */
  static String json(Value v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v, true);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Value v, boolean json) {
    switch (v) {
      case NullValue n -> sb.append("null");
      case BooleanValue b -> sb.append(b.value());
      case NumberValue n -> sb.append(json ? n.toJson() : number(n));
      case StringValue s -> {
        if (json) {
          sb.append(s.toJson());
        } else {
          GoFormat.quote(sb, s.value(), false);
        }
      }
      case ArrayValue a -> {
        sb.append('[');
        for (int i = 0; i < a.size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          write(sb, a.get(i), json);
        }
        sb.append(']');
      }
      case ObjectValue o -> {
        sb.append('{');
        boolean first = true;
        for (Value k : o.sortedKeys()) {
          if (!first) {
            sb.append(", ");
          }
          first = false;
          write(sb, k, json);
          sb.append(": ");
          write(sb, o.get(k), json);
        }
        sb.append('}');
      }
      case SetValue s -> {
        if (s.isEmpty() && !json) {
          sb.append("set()");
          return;
        }
        sb.append(json ? '[' : '{');
        boolean first = true;
        for (Value e : s.sorted()) {
          if (!first) {
            sb.append(", ");
          }
          first = false;
          write(sb, e, json);
        }
        sb.append(json ? ']' : '}');
      }
    }
  }

  /** A number as literal text; exponents are written without a plus sign ({@code 2e308}). */
  static String number(NumberValue n) {
    String s = n.toString();
    if (s.indexOf('e') < 0 && n.toBigDecimal().scale() >= 0) {
      return s;
    }
    BigDecimal d = n.toBigDecimal().stripTrailingZeros();
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    StringBuilder sb = new StringBuilder();
    if (d.signum() < 0) {
      sb.append('-');
    }
    sb.append(digits.charAt(0));
    if (digits.length() > 1) {
      sb.append('.').append(digits, 1, digits.length());
    }
    return sb.append('e').append(exponent).toString();
  }
}
