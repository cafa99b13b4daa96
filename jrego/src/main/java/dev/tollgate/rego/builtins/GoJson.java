package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON text as OPA produces it with Go's {@code encoding/json}: object keys sorted by their
 * UTF-8 bytes, sets as arrays in value order, non-string keys replaced by their JSON text, and
 * HTML-safe string escaping ({@code <}, {@code >}, {@code &} as {@code \u003c} etc.).
 */
final class GoJson {
  private GoJson() {}

  /** Compact text, as {@code json.Marshal}. */
  static String marshal(Value v) {
    StringBuilder sb = new StringBuilder();
    write(v, sb, null, null, 0);
    return sb.toString();
  }

  /** Indented text, as {@code json.MarshalIndent(v, prefix, indent)}. */
  static String marshalIndent(Value v, String prefix, String indent) {
    StringBuilder sb = new StringBuilder();
    write(v, sb, prefix, indent, 0);
    return sb.toString();
  }

  private static void newline(StringBuilder sb, String prefix, String indent, int depth) {
    sb.append('\n').append(prefix);
    sb.append(indent.repeat(depth));
  }

  private static void write(Value v, StringBuilder sb, String prefix, String indent, int depth) {
    switch (v) {
      case NullValue n -> sb.append("null");
      case BooleanValue b -> sb.append(b.value());
      case NumberValue n -> sb.append(n);
      case StringValue s -> quote(s.value(), sb);
      case ArrayValue a -> writeArray(a.asList(), sb, prefix, indent, depth);
      case SetValue s -> writeArray(s.sorted(), sb, prefix, indent, depth);
      case ObjectValue o -> {
        List<Map.Entry<String, Value>> entries = new ArrayList<>(o.size());
        for (Map.Entry<Value, Value> e : o.asMap().entrySet()) {
          String key = e.getKey() instanceof StringValue s ? s.value() : marshal(e.getKey());
          entries.add(Map.entry(key, e.getValue()));
        }
        entries.sort((x, y) -> GoText.compare(x.getKey(), y.getKey()));
        if (entries.isEmpty()) {
          sb.append("{}");
          return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Value> e : entries) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          if (indent != null) {
            newline(sb, prefix, indent, depth + 1);
          }
          quote(e.getKey(), sb);
          sb.append(indent != null ? ": " : ":");
          write(e.getValue(), sb, prefix, indent, depth + 1);
        }
        if (indent != null) {
          newline(sb, prefix, indent, depth);
        }
        sb.append('}');
      }
    }
  }

  private static void writeArray(List<Value> items, StringBuilder sb, String prefix, String indent, int depth) {
    if (items.isEmpty()) {
      sb.append("[]");
      return;
    }
    sb.append('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      if (indent != null) {
        newline(sb, prefix, indent, depth + 1);
      }
      write(items.get(i), sb, prefix, indent, depth + 1);
    }
    if (indent != null) {
      newline(sb, prefix, indent, depth);
    }
    sb.append(']');
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(c, sb);
        default -> {
          if (c < 0x20) {
            unicodeEscape(c, sb);
          } else if (Character.isSurrogate(c)) {
            // A valid pair passes through; a lone surrogate is invalid UTF-8 to Go.
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else {
              sb.append("\\ufffd");
            }
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static void unicodeEscape(char c, StringBuilder sb) {
    sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
  }
}
