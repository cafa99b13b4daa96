package dev.tollgate.rego.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between Rego values and JSON text, Jackson trees and plain Java objects. */
public final class Json {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(1000).maxNumberLength(10_000).build())
          .build();

  private Json() {}

  /** Thrown for text that is not one JSON value. */
  public static final class JsonSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JsonSyntaxException(String message) {
      super(message);
    }
  }

  /** Parses one JSON value exactly (numbers keep every digit). */
  public static Value parse(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      return parseAll(p);
    } catch (IOException e) {
      throw new JsonSyntaxException(describe(e));
    }
  }

  /** Parses one JSON value from a stream. */
  public static Value parse(InputStream in) {
    try (JsonParser p = FACTORY.createParser(in)) {
      return parseAll(p);
    } catch (IOException e) {
      throw new JsonSyntaxException(describe(e));
    }
  }

  private static Value parseAll(JsonParser p) throws IOException {
    if (p.nextToken() == null) {
      throw new JsonSyntaxException("empty JSON document");
    }
    Value v = read(p);
    if (p.nextToken() != null) {
      throw new JsonSyntaxException(
          "unexpected data after JSON value at line " + p.currentLocation().getLineNr()
              + ", column " + p.currentLocation().getColumnNr());
    }
    return v;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    int cut = m == null ? -1 : m.indexOf("\n at [Source");
    return cut > 0 ? m.substring(0, cut) : String.valueOf(m);
  }

  private static Value read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    return switch (t) {
      case VALUE_NULL -> NullValue.INSTANCE;
      case VALUE_TRUE -> BooleanValue.TRUE;
      case VALUE_FALSE -> BooleanValue.FALSE;
      case VALUE_STRING -> StringValue.of(p.getText());
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NumberValue.parse(p.getText());
      case START_ARRAY -> {
        List<Value> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p));
        }
        yield ArrayValue.of(items);
      }
      case START_OBJECT -> {
        ObjectValue.Builder b = ObjectValue.builder();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String key = p.currentName();
          p.nextToken();
          b.put(key, read(p));
        }
        yield b.build();
      }
      default -> throw new JsonSyntaxException("unexpected JSON token " + t);
    };
  }

  /** Compact JSON text; sets become sorted arrays and non-string keys their JSON text. */
  public static String write(Value v) {
    StringBuilder sb = new StringBuilder();
    write(v, sb);
    return sb.toString();
  }

  public static void write(Value v, StringBuilder sb) {
    switch (v) {
      case NullValue n -> sb.append("null");
      case BooleanValue b -> sb.append(b.value());
      case NumberValue n -> sb.append(n);
      case StringValue s -> quote(s.value(), sb);
      case ArrayValue a -> {
        sb.append('[');
        for (int i = 0; i < a.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(a.get(i), sb);
        }
        sb.append(']');
      }
      case SetValue s -> {
        sb.append('[');
        Value[] items = s.sortedArray();
        for (int i = 0; i < items.length; i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(items[i], sb);
        }
        sb.append(']');
      }
      case ObjectValue o -> {
        sb.append('{');
        boolean first = true;
        for (Value k : o.sortedKeyArray()) {
          if (!first) {
            sb.append(',');
          }
          first = false;
          quote(k instanceof StringValue s ? s.value() : write(k), sb);
          sb.append(':');
          write(o.get(k), sb);
        }
        sb.append('}');
      }
    }
  }

  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    quote(s, sb);
    return sb.toString();
  }

  /** Quotes like Go's encoding/json (with HTML escaping off). */
  public static void quote(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** Converts a Jackson tree exactly. */
  public static Value fromJackson(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return NullValue.INSTANCE;
    }
    if (node.isTextual()) {
      return StringValue.of(node.textValue());
    }
    if (node.isBoolean()) {
      return BooleanValue.of(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? NumberValue.of(node.longValue()) : NumberValue.of(node.bigIntegerValue());
    }
    if (node.isNumber()) {
      return NumberValue.of(node.decimalValue());
    }
    if (node.isArray()) {
      Value[] items = new Value[node.size()];
      for (int i = 0; i < items.length; i++) {
        items[i] = fromJackson(node.get(i));
      }
      return ArrayValue.wrap(items);
    }
    if (node.isObject()) {
      ObjectValue.Builder b = ObjectValue.builder();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        b.put(e.getKey(), fromJackson(e.getValue()));
      }
      return b.build();
    }
    if (node.isBinary()) {
      try {
        return StringValue.of(java.util.Base64.getEncoder().encodeToString(node.binaryValue()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalArgumentException("unsupported JSON node: " + node.getNodeType());
  }

  /** Converts to a Jackson tree; sets become sorted arrays and non-string keys their JSON text. */
  public static JsonNode toJackson(Value v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (v) {
      case NullValue n -> f.nullNode();
      case BooleanValue b -> f.booleanNode(b.value());
      case NumberValue n -> n.isLong() ? f.numberNode(n.longValue())
          : n.isInteger() ? f.numberNode(n.toBigInteger()) : f.numberNode(n.toBigDecimal());
      case StringValue s -> f.textNode(s.value());
      case ArrayValue a -> {
        ArrayNode out = f.arrayNode(a.size());
        for (int i = 0; i < a.size(); i++) {
          out.add(toJackson(a.get(i)));
        }
        yield out;
      }
      case SetValue s -> {
        ArrayNode out = f.arrayNode(s.size());
        for (Value item : s.sortedArray()) {
          out.add(toJackson(item));
        }
        yield out;
      }
      case ObjectValue o -> {
        ObjectNode out = f.objectNode();
        for (Value k : o.sortedKeyArray()) {
          out.set(k instanceof StringValue s ? s.value() : write(k), toJackson(o.get(k)));
        }
        yield out;
      }
    };
  }

  /**
   * Converts plain Java data: null, Boolean, Number, CharSequence, Map, Collection, arrays of
   * Object, and Values themselves.
   */
  public static Value fromJava(Object o) {
    return switch (o) {
      case null -> NullValue.INSTANCE;
      case Value v -> v;
      case Boolean b -> BooleanValue.of(b);
      case Integer i -> NumberValue.of(i);
      case Long l -> NumberValue.of(l);
      case Short s -> NumberValue.of(s);
      case Byte b -> NumberValue.of(b);
      case BigInteger b -> NumberValue.of(b);
      case BigDecimal b -> NumberValue.of(b);
      case Double d -> NumberValue.of(d);
      case Float f -> NumberValue.of(f.doubleValue());
      case CharSequence s -> StringValue.of(s.toString());
      case Map<?, ?> m -> {
        LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(fromJava(k), fromJava(v)));
        yield ObjectValue.of(out);
      }
      case Collection<?> c -> {
        List<Value> out = new ArrayList<>(c.size());
        for (Object item : c) {
          out.add(fromJava(item));
        }
        yield ArrayValue.of(out);
      }
      case Object[] arr -> {
        Value[] out = new Value[arr.length];
        for (int i = 0; i < arr.length; i++) {
          out[i] = fromJava(arr[i]);
        }
        yield ArrayValue.wrap(out);
      }
      default -> throw new IllegalArgumentException("cannot convert " + o.getClass().getName() + " to a Rego value");
    };
  }
}
