package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bundle's {@code .manifest}, with OPA's defaults applied.
 *
 * @param revision the bundle revision ({@code ""} when the manifest has none)
 * @param roots the data paths the bundle owns, without leading or trailing slashes; {@code
 *     [""]} (everything) when the manifest names none
 * @param wasm the manifest's wasm resolvers: which module answers which entrypoint
 * @param regoVersion the manifest's {@code rego_version} (0 or 1), if given
 * @param fileRegoVersions per-file {@code rego_version} overrides (glob pattern to version)
 * @param metadata the manifest's free-form {@code metadata} object (empty when absent)
 */
public record Manifest(
    String revision,
    List<String> roots,
    List<WasmResolver> wasm,
    Optional<Integer> regoVersion,
    Map<String, Integer> fileRegoVersions,
    ObjectNode metadata) {

  /** One entry of the manifest's {@code wasm} list. */
  public record WasmResolver(String entrypoint, String module) {
    public WasmResolver {
      Objects.requireNonNull(entrypoint, "entrypoint");
      Objects.requireNonNull(module, "module");
    }
  }

  static final Manifest EMPTY = new Manifest("", List.of(""), List.of(), Optional.empty(),
      Map.of(), JsonNodeFactory.instance.objectNode());

  public Manifest {
    Objects.requireNonNull(revision, "revision");
    roots = List.copyOf(roots);
    wasm = List.copyOf(wasm);
    Objects.requireNonNull(regoVersion, "regoVersion");
    fileRegoVersions = Map.copyOf(fileRegoVersions);
    metadata = metadata.deepCopy();
  }

  /** The manifest's {@code metadata} object (a copy). */
  @Override
  public ObjectNode metadata() {
    return metadata.deepCopy();
  }

  static Manifest parse(String path, JsonNode node) throws BundleException {
    if (!node.isObject()) {
      throw BundleException.at(path, "manifest must be a JSON object");
    }
    String revision = "";
    JsonNode rev = node.get("revision");
    if (rev != null && !rev.isNull()) {
      if (!rev.isTextual()) {
        throw BundleException.at(path, "manifest 'revision' must be a string");
      }
      revision = rev.textValue();
    }

    List<String> roots = List.of("");
    JsonNode r = node.get("roots");
    if (r != null && !r.isNull()) {
      if (!r.isArray()) {
        throw BundleException.at(path, "manifest 'roots' must be an array of strings");
      }
      List<String> list = new ArrayList<>();
      for (JsonNode e : r) {
        if (!e.isTextual()) {
          throw BundleException.at(path, "manifest 'roots' must be an array of strings");
        }
        list.add(Roots.normalize(e.textValue()));
      }
      roots = list;
    }

    List<WasmResolver> wasm = new ArrayList<>();
    JsonNode w = node.get("wasm");
    if (w != null && !w.isNull()) {
      if (!w.isArray()) {
        throw BundleException.at(path, "manifest 'wasm' must be an array");
      }
      int i = 0;
      for (JsonNode e : w) {
        if (!e.isObject()) {
          throw BundleException.at(path, "manifest 'wasm[" + i + "]' must be an object");
        }
        wasm.add(new WasmResolver(text(path, e, "entrypoint", i), text(path, e, "module", i)));
        i++;
      }
    }

    Optional<Integer> regoVersion = Optional.empty();
    JsonNode rv = node.get("rego_version");
    if (rv != null && !rv.isNull()) {
      if (!rv.canConvertToExactIntegral() || !rv.canConvertToInt()) {
        throw BundleException.at(path, "manifest 'rego_version' must be an integer");
      }
      regoVersion = Optional.of(rv.intValue());
      if (rv.intValue() != 0 && rv.intValue() != 1) {
        throw BundleException.at(path, "manifest 'rego_version' " + rv.intValue()
            + " is unknown (expected 0 or 1)");
      }
    }

    Map<String, Integer> fileVersions = new LinkedHashMap<>();
    JsonNode fv = node.get("file_rego_versions");
    if (fv != null && !fv.isNull()) {
      if (!fv.isObject()) {
        throw BundleException.at(path, "manifest 'file_rego_versions' must be an object");
      }
      for (Map.Entry<String, JsonNode> e : fv.properties()) {
        JsonNode v = e.getValue();
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
          throw BundleException.at(path, "manifest 'file_rego_versions' value for '"
              + e.getKey() + "' must be an integer");
        }
        fileVersions.put(e.getKey(), v.intValue());
      }
    }

    JsonNode metadata = node.get("metadata");
    if (metadata == null || metadata.isNull()) {
      metadata = JsonNodeFactory.instance.objectNode();
    } else if (!metadata.isObject()) {
      throw BundleException.at(path, "manifest 'metadata' must be an object");
    }
    return new Manifest(revision, roots, wasm, regoVersion, fileVersions, (ObjectNode) metadata);
  }

  private static String text(String path, JsonNode obj, String field, int index)
      throws BundleException {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw BundleException.at(path, "manifest 'wasm[" + index + "]." + field
          + "' must be a string");
    }
    return v.textValue();
  }
}
