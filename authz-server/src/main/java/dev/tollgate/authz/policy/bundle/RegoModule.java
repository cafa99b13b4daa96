package dev.tollgate.authz.policy.bundle;

import java.util.List;
import java.util.Objects;

/**
 * One Rego source file of a bundle.
 *
 * @param path slash-rooted path inside the bundle, e.g. {@code /bank/a/authz.rego}
 * @param text the module source (UTF-8 decoded)
 * @param packagePath the segments of the module's {@code package} declaration, e.g. {@code
 *     [bank, a, authz]}
 */
public record RegoModule(String path, String text, List<String> packagePath) {
  public RegoModule {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(text, "text");
    packagePath = List.copyOf(packagePath);
  }
}
