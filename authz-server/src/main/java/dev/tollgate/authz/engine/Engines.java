package dev.tollgate.authz.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The engines this server can use, by name: {@code rego} (jrego) and {@code wasm} (OPA wasm on Chicory). */
public final class Engines {
    public static final String WASM = "wasm";
    public static final String REGO = "rego";

    private final Map<String, PolicyEngine> byName;

    private Engines(Map<String, PolicyEngine> byName) {
        this.byName = Map.copyOf(byName);
    }

    public static Engines of(PolicyEngine... engines) {
        Map<String, PolicyEngine> map = new LinkedHashMap<>();
        for (PolicyEngine e : engines) {
            map.put(e.name(), e);
        }
        return new Engines(map);
    }

    public Optional<PolicyEngine> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
