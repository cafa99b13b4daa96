package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** URL query encoding as Go's net/url does it (QueryEscape, QueryUnescape, Values). */
final class UrlQueryBuiltins {
  private static final String HEX = "0123456789ABCDEF";

  private UrlQueryBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("urlquery.encode", 1, (ctx, a) -> StringValue.of(escape(Args.string(a, 0))));
    r.function("urlquery.decode", 1, (ctx, a) -> StringValue.of(unescape(Args.string(a, 0))));
    r.function("urlquery.encode_object", 1, (ctx, a) -> encodeObject(a));
    r.function("urlquery.decode_object", 1, (ctx, a) -> decodeObject(a));
  }

  /** Go's url.QueryEscape. */
  static String escape(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
      }
    }
    return sb.toString();
  }

  /** Go's url.QueryUnescape, with its error text for a malformed escape. */
  static String unescape(String s) throws BuiltinException {
    byte[] in = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; ) {
      byte b = in[i];
      if (b == '%') {
        if (i + 2 >= in.length || GoText.hexDigit(in[i + 1]) < 0 || GoText.hexDigit(in[i + 2]) < 0) {
          String bad = new String(in, i, Math.min(3, in.length - i), StandardCharsets.UTF_8);
          StringBuilder sb = new StringBuilder("invalid URL escape ");
          GoFormat.quote(sb, bad, false);
          throw BuiltinException.failure(sb.toString());
        }
        out.write(GoText.hexDigit(in[i + 1]) << 4 | GoText.hexDigit(in[i + 2]));
        i += 3;
      } else if (b == '+') {
        out.write(' ');
        i++;
      } else {
        out.write(b);
        i++;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Value encodeObject(Value[] a) throws BuiltinException {
    ObjectValue obj = Args.object(a, 0);
    // Go's Values.Encode sorts keys bytewise, which is code point order.
    TreeMap<String, List<String>> values = new TreeMap<>(GoText::compare);
    for (Map.Entry<Value, Value> e : obj.asMap().entrySet()) {
      String key = e.getKey() instanceof StringValue s ? s.value() : e.getKey().toJson();
      List<Value> items;
      if (e.getValue() instanceof StringValue s) {
        values.put(key, List.of(s.value()));
        continue;
      } else if (e.getValue() instanceof ArrayValue arr) {
        items = arr.asList();
      } else if (e.getValue() instanceof SetValue set) {
        items = set.sorted();
      } else {
        throw valuesError();
      }
      List<String> strs = new ArrayList<>();
      for (Value v : items) {
        if (!(v instanceof StringValue s)) {
          throw valuesError();
        }
        strs.add(s.value());
      }
      if (!strs.isEmpty()) {
        values.put(key, strs);
      }
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<String>> e : values.entrySet()) {
      String k = escape(e.getKey());
      for (String v : e.getValue()) {
        if (!sb.isEmpty()) {
          sb.append('&');
        }
        sb.append(k).append('=').append(escape(v));
      }
    }
    return StringValue.of(sb.toString());
  }

  private static BuiltinException valuesError() {
    return BuiltinException.typeError(
        "operand 1 values must be string, array[string], or set[string]");
  }

  /** Go's url.ParseQuery: every parameter's values in order; the first error wins. */
  private static Value decodeObject(Value[] a) throws BuiltinException {
    String query = Args.string(a, 0);
    Map<String, List<Value>> params = new LinkedHashMap<>();
    String error = null;
    while (!query.isEmpty()) {
      int amp = query.indexOf('&');
      String key = amp < 0 ? query : query.substring(0, amp);
      query = amp < 0 ? "" : query.substring(amp + 1);
      if (key.contains(";")) {
        error = "invalid semicolon separator in query";
        continue;
      }
      if (key.isEmpty()) {
        continue;
      }
      int eq = key.indexOf('=');
      String value = eq < 0 ? "" : key.substring(eq + 1);
      key = eq < 0 ? key : key.substring(0, eq);
      try {
        String k = unescape(key);
        String v = unescape(value);
        params.computeIfAbsent(k, x -> new ArrayList<>()).add(StringValue.of(v));
      } catch (BuiltinException e) {
        if (error == null) {
          error = e.getMessage();
        }
      }
    }
    if (error != null) {
      throw BuiltinException.failure(error);
    }
    ObjectValue.Builder b = ObjectValue.builder();
    params.forEach((k, v) -> b.put(k, ArrayValue.of(v)));
    return b.build();
  }
}
