package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded, validated OPA bundle. Immutable: data and wasm bytes are handed out as copies.
 *
 * <p>Everything here has been checked: entry names, sizes, the manifest, roots (no overlap;
 * every module package, data path and wasm entrypoint inside them), data files merged without
 * collisions, and, when verification is configured, the signature over every file.
 */
public final class Bundle {
  private final String source;
  private final Manifest manifest;
  private final List<RegoModule> modules;
  private final ObjectNode data;
  private final List<WasmModule> wasmModules;
  private final boolean signatureVerified;

  Bundle(String source, Manifest manifest, List<RegoModule> modules, ObjectNode data,
      List<WasmModule> wasmModules, boolean signatureVerified) {
    this.source = Objects.requireNonNull(source, "source");
    this.manifest = Objects.requireNonNull(manifest, "manifest");
    this.modules = List.copyOf(modules);
    // The loader hands over a tree nobody else holds; accessors hand out copies.
    this.data = data;
    this.wasmModules = List.copyOf(wasmModules);
    this.signatureVerified = signatureVerified;
  }

  /** Where the bundle came from (file path or URL), for messages. */
  public String source() {
    return source;
  }

  /** The manifest revision, {@code ""} when the bundle has none. */
  public String revision() {
    return manifest.revision();
  }

  /** The data roots the bundle owns ({@code [""]} means all of {@code data}). */
  public List<String> roots() {
    return manifest.roots();
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The Rego modules, in bundle order. */
  public List<RegoModule> modules() {
    return modules;
  }

  /** The merged data document (a copy), each data file placed at its directory's path. */
  public ObjectNode data() {
    return (ObjectNode) JsonTrees.copy(data);
  }

  /** The data value at a path of segments (a copy), if there is one. */
  public Optional<JsonNode> dataAt(List<String> path) {
    JsonNode node = data;
    for (String segment : path) {
      node = node.isObject() ? node.get(segment) : null;
      if (node == null) {
        return Optional.empty();
      }
    }
    return Optional.of(JsonTrees.copy(node));
  }

  /** Every {@code policy.wasm} in the bundle, with the entrypoints the manifest gives it. */
  public List<WasmModule> wasmModules() {
    return wasmModules;
  }

  /** The bytes of {@code /policy.wasm} (a copy), if the bundle has one. */
  public Optional<byte[]> policyWasm() {
    return wasmModules.stream()
        .filter(w -> w.path().equals("/policy.wasm"))
        .findFirst()
        .map(WasmModule::bytes);
  }

  /** True when the bundle's signature was checked against a configured key. */
  public boolean signatureVerified() {
    return signatureVerified;
  }

  /**
   * Refuses rules whose full paths (package path plus rule name, e.g. {@code [bank, a, allow]})
   * collide with bundle data, as OPA does when it activates a bundle: data must not exist at a
   * rule's path, and no prefix of the path may hold data that is not an object. The bundle only
   * reads package declarations; the engine knows the rules and calls this after compiling.
   */
  public void checkRuleConflicts(Collection<List<String>> rulePaths) throws BundleException {
    for (List<String> rule : rulePaths) {
      JsonNode node = data;
      for (int i = 0; i < rule.size(); i++) {
        node = node.get(rule.get(i));
        if (node == null) {
          break;
        }
        boolean last = i == rule.size() - 1;
        if (last || !node.isObject()) {
          throw BundleException.of("conflicting rule for data path "
              + String.join("/", rule) + " found (data at "
              + String.join("/", rule.subList(0, i + 1)) + ")");
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Bundle[source=" + source + ", revision=" + revision() + ", roots=" + roots()
        + ", modules=" + modules.size() + ", wasm=" + wasmModules.size()
        + ", signed=" + signatureVerified + "]";
  }
}
