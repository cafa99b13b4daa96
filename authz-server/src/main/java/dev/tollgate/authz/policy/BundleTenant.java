package dev.tollgate.authz.policy;

import dev.tollgate.authz.policy.bundle.BundleOptions;
import dev.tollgate.authz.policy.bundle.BundleSource;
import dev.tollgate.authz.tenant.TenantSettings;
import java.util.Objects;

/**
 * A tenant served from an OPA bundle (a file, or an HTTP(S) URL polled with ETags) instead of a
 * policy folder; from the server config's {@code tenants.<name>}.
 *
 * @param options how its bundles are read: limits and signature verification
 */
public record BundleTenant(String name, TenantSettings settings, BundleSource source, BundleOptions options) {
    public BundleTenant {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(options, "options");
    }
}
