package dev.tollgate.authz.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an engine needs to load one tenant, already read into memory (from a tenant folder or
 * an OPA bundle), so engines never touch the file system and a reload compiles exactly what was hashed.
 *
 * @param tenant     tenant name
 * @param location   where the policy came from (folder or bundle), for messages
 * @param entrypoint rule path to evaluate, slash-separated, e.g. {@code envoy/authz/allow}
 * @param modules    the tenant's Rego modules, then the shared library modules
 * @param wasm       the tenant's {@code policy.wasm}, if any
 * @param data       the data document (empty object when none)
 * @param evaluation per-evaluation budget and outward-reaching capabilities
 * @param checkInputSchema whether Rego is type checked against the schema of Tollgate's input document
 */
public record PolicySource(String tenant, String location, String entrypoint, List<Module> modules,
                           Optional<Wasm> wasm, JsonNode data, EvalSettings evaluation, boolean checkInputSchema) {
    /** A source checked against Tollgate's input schema. */
    public PolicySource(String tenant, String location, String entrypoint, List<Module> modules,
                        Optional<Wasm> wasm, JsonNode data, EvalSettings evaluation) {
        this(tenant, location, entrypoint, modules, wasm, data, evaluation, true);
    }

    public PolicySource {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(entrypoint, "entrypoint");
        modules = List.copyOf(modules);
        Objects.requireNonNull(wasm, "wasm");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(evaluation, "evaluation");
    }

    /**
     * One Rego source.
     *
     * @param name   the name errors use, e.g. {@code bank-a/authz.rego} or {@code shared/access.rego}
     * @param shared whether it is a library module shared by every tenant
     */
    public record Module(String name, String text, boolean shared) {
        public Module {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(text, "text");
        }
    }

    /** A compiled OPA wasm module. */
    public record Wasm(String name, byte[] bytes) {
        public Wasm {
            Objects.requireNonNull(name, "name");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
