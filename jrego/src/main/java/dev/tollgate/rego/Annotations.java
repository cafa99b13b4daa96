package dev.tollgate.rego;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * METADATA annotations: a comment block starting with {@code # METADATA} right above a rule or
 * the package, holding YAML.
 */
final class Annotations {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Annotations() {}

  /** Annotations by the line that follows each METADATA block. */
  static Map<Integer, Value> collect(String file, Map<Integer, String> comments) {
    Map<Integer, Value> out = new HashMap<>();
    TreeMap<Integer, String> sorted = new TreeMap<>(comments);
    for (Map.Entry<Integer, String> e : sorted.entrySet()) {
      if (!e.getValue().strip().equals("METADATA")) {
        continue;
      }
      StringBuilder yaml = new StringBuilder();
      int line = e.getKey() + 1;
      while (comments.containsKey(line)) {
        String c = comments.get(line);
        yaml.append(c.startsWith(" ") ? c.substring(1) : c).append('\n');
        line++;
      }
      Value v;
      try {
        JsonNode node = YAML.readTree(yaml.toString());
        v = node == null || node.isMissingNode() || node.isNull() ? ObjectValue.EMPTY : Json.fromJackson(node);
      } catch (Exception ex) {
        throw new RegoCompileException(List.of(new RegoError("rego_parse_error",
            "invalid METADATA annotation: " + ex.getMessage().lines().findFirst().orElse(""),
            file + ":" + e.getKey() + ":1")));
      }
      if (!(v instanceof ObjectValue)) {
        throw new RegoCompileException(List.of(new RegoError("rego_parse_error",
            "METADATA annotation must be a YAML mapping", file + ":" + e.getKey() + ":1")));
      }
      out.put(line, v);
    }
    return out;
  }

  /** Adds OPA's default scope when the annotation does not name one. */
  static Value withScope(Value annotations, String scope) {
    ObjectValue o = (ObjectValue) annotations;
    return o.get("scope") == null ? o.with(StringValue.of("scope"), StringValue.of(scope)) : o;
  }
}
