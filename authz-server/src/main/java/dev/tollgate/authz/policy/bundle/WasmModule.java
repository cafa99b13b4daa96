package dev.tollgate.authz.policy.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A compiled {@code policy.wasm} of a bundle and the entrypoints the manifest gives it.
 *
 * @param path slash-rooted path inside the bundle, e.g. {@code /policy.wasm}
 * @param entrypoints slash-separated entrypoint paths, e.g. {@code bank/a/allow}
 */
public record WasmModule(String path, byte[] bytes, List<String> entrypoints) {
  public WasmModule {
    Objects.requireNonNull(path, "path");
    bytes = bytes.clone();
    entrypoints = List.copyOf(entrypoints);
  }

  /** A copy of the module bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  int size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WasmModule w
        && path.equals(w.path)
        && Arrays.equals(bytes, w.bytes)
        && entrypoints.equals(w.entrypoints);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, Arrays.hashCode(bytes), entrypoints);
  }

  @Override
  public String toString() {
    return "WasmModule[path=" + path + ", " + bytes.length + " bytes, entrypoints=" + entrypoints
        + "]";
  }
}
