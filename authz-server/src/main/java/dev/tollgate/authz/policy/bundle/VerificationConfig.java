package dev.tollgate.authz.policy.bundle;

import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How signed bundles are checked, after OPA's {@code bundles.NAME.signing} config. When a
 * loader has a verification config, every bundle must carry a valid {@code .signatures.json}.
 *
 * @param keys verification keys by key id
 * @param keyId the key to use; {@code ""} means the JWS {@code kid} header (or the deprecated
 *     {@code keyid} claim) chooses
 * @param scope the scope signatures must carry; {@code ""} means the chosen key's scope
 * @param excludeFiles glob patterns (as in OPA, {@code *} stays within one directory) of bundle
 *     files that need not be signed
 */
public record VerificationConfig(
    Map<String, VerificationKey> keys, String keyId, String scope, List<String> excludeFiles) {

  public VerificationConfig {
    keys = Map.copyOf(keys);
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(scope, "scope");
    excludeFiles = List.copyOf(excludeFiles);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("bundle verification needs at least one key");
    }
    if (!keyId.isEmpty() && !keys.containsKey(keyId)) {
      throw new IllegalArgumentException("bundle verification key id '" + keyId
          + "' is not among the configured keys " + keys.keySet().stream().sorted().toList());
    }
    for (String pattern : excludeFiles) {
      try {
        FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bad exclude_files pattern '" + pattern + "': "
            + e.getMessage());
      }
    }
  }

  /** One key, chosen by id; no scope or exclusions. */
  public static VerificationConfig of(String keyId, VerificationKey key) {
    return new VerificationConfig(Map.of(keyId, key), keyId, "", List.of());
  }

  boolean excluded(String name) {
    for (String pattern : excludeFiles) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      if (m.matches(java.nio.file.Path.of(name))) {
        return true;
      }
    }
    return false;
  }
}
