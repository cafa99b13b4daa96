package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes file digests the way OPA's bundle signing does. Unstructured files are hashed as
 * their bytes. Structured documents ({@code data.json}, {@code data.yaml}, {@code .manifest})
 * are hashed over a canonical form so that whitespace and key order do not matter: objects as
 * {@code {"k":v,...}} with keys in byte order, arrays as {@code [v,...]}, strings escaped as Go's
 * encoding/json does (HTML characters not escaped), numbers as written in JSON. YAML documents
 * are first converted to JSON, as OPA does, so their numbers are in Go's float/int form.
 */
final class FileHasher {
  private FileHasher() {}

  /** Digest algorithms OPA accepts in a signature's {@code algorithm} field. */
  enum Algorithm {
    MD5("MD5", "MD5"),
    SHA1("SHA-1", "SHA-1"),
    SHA224("SHA-224", "SHA-224"),
    SHA256("SHA-256", "SHA-256"),
    SHA384("SHA-384", "SHA-384"),
    SHA512("SHA-512", "SHA-512"),
    SHA512_224("SHA-512-224", "SHA-512/224"),
    SHA512_256("SHA-512-256", "SHA-512/256");

    final String opaName;
    final String jdkName;

    Algorithm(String opaName, String jdkName) {
      this.opaName = opaName;
      this.jdkName = jdkName;
    }

    static Algorithm byOpaName(String name) {
      for (Algorithm a : values()) {
        if (a.opaName.equals(name)) {
          return a;
        }
      }
      return null;
    }

    MessageDigest digest() {
      try {
        return MessageDigest.getInstance(jdkName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("JDK lacks " + jdkName, e);
      }
    }
  }

  /** Which files OPA hashes in canonical form (by base name, at any depth). */
  static boolean isStructured(String path) {
    String base = path.substring(path.lastIndexOf('/') + 1);
    // data.yml is hashed as bytes: OPA only treats these names as structured.
    return base.equals("data.json") || base.equals("data.yaml") || base.equals(".manifest")
        || base.equals("signatures.json");
  }

  static byte[] hash(Algorithm alg, RawFile file, Documents docs) throws BundleException {
    MessageDigest md = alg.digest();
    if (!isStructured(file.path())) {
      return md.digest(file.bytes());
    }
    Object canonical = file.baseName().equals("data.yaml")
        ? fromYaml(docs.parseYaml(file.path(), file.bytes()))
        : fromJson(file, docs);
    StringBuilder out = new StringBuilder();
    write(canonical, out);
    return md.digest(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A number kept as the text that represents it. */
  private record Number(String text) {}

  private static final Object NULL = new Object();

  private static final Comparator<String> BYTE_ORDER = (a, b) -> {
    // UTF-8 byte order is code point order, which UTF-16 compareTo is not.
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };

  private static Object fromJson(RawFile file, Documents docs) throws BundleException {
    byte[] bytes = file.bytes();
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf) {
      bytes = java.util.Arrays.copyOfRange(bytes, 3, bytes.length);
    }
    try (JsonParser p = docs.jsonParser(bytes)) {
      if (p.nextToken() == null) {
        throw BundleException.at(file.path(), "invalid JSON: empty document");
      }
      Object value = readValue(p);
      if (p.nextToken() != null) {
        throw BundleException.at(file.path(), "invalid JSON" + Documents.where(p.currentLocation())
            + ": trailing content after the document");
      }
      return value;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw BundleException.at(file.path(), "invalid JSON" + Documents.where(e.getLocation())
          + ": " + Documents.firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw BundleException.at(file.path(), "invalid JSON: " + e.getMessage());
    }
  }

  private static Object readValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new TreeMap<>(BYTE_ORDER);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = JsonTrees.wellFormed(p.currentName());
          p.nextToken();
          m.put(key, readValue(p));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(readValue(p));
        }
        return l;
      }
      case VALUE_STRING -> {
        return JsonTrees.wellFormed(p.getText());
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new Number(p.getText());
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return NULL;
      }
      default -> throw new IOException("unexpected token " + t);
    }
  }

  private static Object fromYaml(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> m = new TreeMap<>(BYTE_ORDER);
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        m.put(e.getKey(), fromYaml(e.getValue()));
      }
      return m;
    }
    if (node.isArray()) {
      List<Object> l = new ArrayList<>();
      node.forEach(n -> l.add(fromYaml(n)));
      return l;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return new Number(node.bigIntegerValue().toString());
    }
    if (node.isNumber()) {
      return new Number(goFloat(node.doubleValue()));
    }
    if (node.isNull()) {
      return NULL;
    }
    return node.asText();
  }

  /** Go's encoding/json form of a float64. */
  static String goFloat(double d) {
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    double abs = Math.abs(d);
    BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    if (abs < 1e-6 || abs >= 1e21) {
      String digits = shortest.unscaledValue().abs().toString();
      int exponent = digits.length() - 1 - shortest.scale();
      StringBuilder b = new StringBuilder();
      if (d < 0) {
        b.append('-');
      }
      b.append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      b.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
      return b.toString();
    }
    return shortest.toPlainString();
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  @SuppressWarnings("unchecked")
  private static void write(Object v, StringBuilder out) {
    switch (v) {
      case Map<?, ?> m -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          writeString(e.getKey(), out);
          out.append(':');
          write(e.getValue(), out);
        }
        out.append('}');
      }
      case List<?> l -> {
        out.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(l.get(i), out);
        }
        out.append(']');
      }
      case String s -> writeString(s, out);
      case Number n -> out.append(n.text());
      case Boolean b -> out.append(b);
      default -> out.append("null");
    }
  }

  private static void writeString(String raw, StringBuilder out) {
    // Strings are hashed as the loader keeps them (lone surrogates as U+FFFD), so what is
    // verified is what is loaded.
    String s = JsonTrees.wellFormed(raw);
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\u2028', '\u2029' -> out.append("\\u202").append(HEX[c & 0xf]);
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
