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
 * YAML text in the layout of Go's yaml.v2 encoder, which OPA's {@code yaml.marshal} uses: block
 * style, two-space indentation, sequences not indented under their key, keys in yaml.v2's
 * natural order, and strings quoted only when they would otherwise read as something else.
 */
final class YamlWriter {
  private static final java.util.regex.Pattern BASE60_FLOAT =
      java.util.regex.Pattern.compile("[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?");
  private YamlWriter() {}

  static String write(Value v) {
    StringBuilder sb = new StringBuilder();
    if (isEmptyOrScalar(v)) {
      sb.append(inline(v, 0)).append('\n');
    } else {
      block(v, sb, 0);
    }
    return sb.toString();
  }

  private static boolean isEmptyOrScalar(Value v) {
    return switch (v) {
      case ArrayValue a -> a.isEmpty();
      case SetValue s -> s.isEmpty();
      case ObjectValue o -> o.isEmpty();
      default -> true;
    };
  }

  private static List<Value> items(Value v) {
    return v instanceof SetValue s ? s.sorted() : ((ArrayValue) v).asList();
  }

  /** Writes a non-empty collection whose first line starts at the current position. */
  private static void block(Value v, StringBuilder sb, int indent) {
    boolean first = true;
    if (v instanceof ObjectValue o) {
      List<Map.Entry<String, Value>> entries = new ArrayList<>();
      for (Map.Entry<Value, Value> e : o.asMap().entrySet()) {
        String k = e.getKey() instanceof StringValue s ? s.value() : GoJson.marshal(e.getKey());
        entries.add(Map.entry(k, e.getValue()));
      }
      entries.sort((x, y) -> naturalLess(x.getKey(), y.getKey()) ? -1 : naturalLess(y.getKey(), x.getKey()) ? 1 : 0);
      for (Map.Entry<String, Value> e : entries) {
        if (!first) {
          sb.append(" ".repeat(indent));
        }
        first = false;
        sb.append(scalarString(e.getKey(), indent)).append(':');
        Value child = e.getValue();
        if (isEmptyOrScalar(child)) {
          sb.append(' ').append(inline(child, indent + 2)).append('\n');
        } else if (child instanceof ObjectValue) {
          sb.append('\n').append(" ".repeat(indent + 2));
          block(child, sb, indent + 2);
        } else {
          sb.append('\n').append(" ".repeat(indent));
          block(child, sb, indent);
        }
      }
    } else {
      for (Value item : items(v)) {
        if (!first) {
          sb.append(" ".repeat(indent));
        }
        first = false;
        sb.append("- ");
        if (isEmptyOrScalar(item)) {
          sb.append(inline(item, indent + 2)).append('\n');
        } else {
          block(item, sb, indent + 2);
        }
      }
    }
  }

  private static String inline(Value v, int indent) {
    return switch (v) {
      case NullValue n -> "null";
      case BooleanValue b -> Boolean.toString(b.value());
      case NumberValue n -> n.toString();
      case StringValue s -> scalarString(s.value(), indent);
      case ObjectValue o -> "{}";
      default -> "[]";
    };
  }

  private static String scalarString(String s, int indent) {
    if (s.contains("\n")) {
      return literal(s, indent);
    }
    if (readsAsOtherType(s)) {
      return doubleQuoted(s);
    }
    if (!plainAllowed(s)) {
      return needsDoubleQuotes(s) ? doubleQuoted(s) : "'" + s.replace("'", "''") + "'";
    }
    return s;
  }

  /** Block literal: {@code |-} strips, {@code |} keeps one, {@code |+} keeps all final newlines. */
  private static String literal(String s, int indent) {
    int trailing = 0;
    while (trailing < s.length() && s.charAt(s.length() - 1 - trailing) == '\n') {
      trailing++;
    }
    String chomp = trailing == 0 ? "-" : trailing == 1 ? "" : "+";
    String body = s.substring(0, s.length() - trailing);
    String pad = " ".repeat(Math.max(indent, 0) + (indent == 0 ? 2 : 0));
    StringBuilder sb = new StringBuilder("|");
    if (!body.isEmpty() && body.charAt(0) == ' ') {
      sb.append('2');
    }
    sb.append(chomp);
    for (String line : body.split("\n", -1)) {
      sb.append('\n');
      if (!line.isEmpty()) {
        sb.append(pad).append(line);
      }
    }
    for (int i = 1; i < trailing; i++) {
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Strings yaml.v2 would read back as null, a boolean or a number are double-quoted. */
  private static boolean readsAsOtherType(String s) {
    return !(YamlBuiltins.resolvePlain(s) instanceof StringValue) || BASE60_FLOAT.matcher(s).matches();
  }

  private static boolean needsDoubleQuotes(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\ufeff') {
        return true;
      }
    }
    return false;
  }

  /** libyaml's test for a plain scalar in block context, in simplified form. */
  private static boolean plainAllowed(String s) {
    if (s.isEmpty() || needsDoubleQuotes(s)) {
      return false;
    }
    char first = s.charAt(0);
    if ("-?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0) {
      if (!((first == '-' || first == '?' || first == ':') && s.length() > 1 && s.charAt(1) != ' ')) {
        return false;
      }
    }
    if (s.startsWith("---") || s.startsWith("...")) {
      return false;
    }
    if (first == ' ' || s.charAt(s.length() - 1) == ' ' || s.charAt(s.length() - 1) == ':') {
      return false;
    }
    return !(s.contains(": ") || s.contains(" #") || s.contains("\t"));
  }

  private static String doubleQuoted(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        case '\0' -> sb.append("\\0");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\ufeff') {
            sb.append(String.format(c <= 0xff ? "\\x%02X" : "\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** yaml.v2's key order: letters before other runes, runs of digits compared by value. */
  static boolean naturalLess(String a, String b) {
    int[] ar = a.codePoints().toArray();
    int[] br = b.codePoints().toArray();
    for (int i = 0; i < ar.length && i < br.length; i++) {
      if (ar[i] == br[i]) {
        continue;
      }
      boolean al = Character.isLetter(ar[i]);
      boolean bl = Character.isLetter(br[i]);
      if (al && bl) {
        return ar[i] < br[i];
      }
      if (al || bl) {
        return bl;
      }
      long an = 0;
      long bn = 0;
      if (ar[i] == '0' || br[i] == '0') {
        for (int j = i - 1; j >= 0 && Character.isDigit(ar[j]); j--) {
          if (ar[j] != '0') {
            an = 1;
            bn = 1;
            break;
          }
        }
      }
      int ai = i;
      for (; ai < ar.length && Character.isDigit(ar[ai]); ai++) {
        an = an * 10 + Character.digit(ar[ai], 10);
      }
      int bi = i;
      for (; bi < br.length && Character.isDigit(br[bi]); bi++) {
        bn = bn * 10 + Character.digit(br[bi], 10);
      }
      if (an != bn) {
        return an < bn;
      }
      if (ai != bi) {
        return ai < bi;
      }
      return ar[i] < br[i];
    }
    return ar.length < br.length;
  }
}
