package dev.tollgate.authz.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything an engine needs to load one tenant.
 *
 * @param tenant      tenant name (its folder name)
 * @param directory   the tenant folder
 * @param entrypoint  rule path to evaluate, slash-separated, e.g. {@code envoy/authz/allow}
 * @param regoFiles   the tenant's {@code *.rego} files
 * @param sharedRegoFiles the read-only library in {@code <policies>/shared}, for every tenant
 * @param wasmFile    the tenant's {@code policy.wasm}, if any
 * @param data        the tenant's {@code data.json}/{@code data.yaml} (empty object when none)
 */
public record PolicySource(String tenant, Path directory, String entrypoint, List<Path> regoFiles,
                           List<Path> sharedRegoFiles, Optional<Path> wasmFile, JsonNode data) {
    public PolicySource {
        regoFiles = List.copyOf(regoFiles);
        sharedRegoFiles = List.copyOf(sharedRegoFiles);
    }
}
