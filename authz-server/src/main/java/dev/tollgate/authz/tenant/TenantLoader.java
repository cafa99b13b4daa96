package dev.tollgate.authz.tenant;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads {@code <policies>/<tenant>/} folders. {@code <policies>/shared/} is a library for every
 * tenant, not a tenant. A tenant that fails to load is still returned, with its error.
 */
public final class TenantLoader {
    public static final String SHARED = "shared";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Engines engines;

    public TenantLoader(Engines engines) {
        this.engines = engines;
    }

    /** Tenant folder names, sorted. */
    public static List<String> tenantNames(Path policiesDir) {
        if (!Files.isDirectory(policiesDir)) {
            throw new IllegalArgumentException("policies directory " + policiesDir + " does not exist");
        }
        try (Stream<Path> children = Files.list(policiesDir)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(SHARED) && !n.startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + policiesDir, e);
        }
    }

    public Tenant load(Path policiesDir, String name) {
        Path dir = policiesDir.resolve(name);
        TenantSettings settings;
        try {
            settings = TenantSettings.read(dir.resolve("tenant.yaml"));
        } catch (IllegalArgumentException e) {
            return failed(name, TenantSettings.DEFAULTS, Optional.empty(), e.getMessage(), "");
        }
        List<Path> rego = files(dir, ".rego");
        List<Path> shared = files(policiesDir.resolve(SHARED), ".rego");
        Path wasm = dir.resolve("policy.wasm");
        Optional<Path> wasmFile = Files.isRegularFile(wasm) ? Optional.of(wasm) : Optional.empty();
        List<Path> hashed = new ArrayList<>(files(dir, ""));
        hashed.addAll(shared);
        String revision = revision(policiesDir, hashed);

        String engineName = settings.engine().orElse(
                wasmFile.isPresent() ? Engines.WASM : !rego.isEmpty() ? Engines.REGO : null);
        if (engineName == null) {
            return failed(name, settings, Optional.empty(),
                    dir + ": no policy found (expected policy.wasm or *.rego files)", revision);
        }
        JsonNode data;
        try {
            data = data(dir);
        } catch (IllegalArgumentException e) {
            return failed(name, settings, Optional.of(engineName), e.getMessage(), revision);
        }
        Optional<PolicyEngine> engine = engines.get(engineName);
        if (engine.isEmpty()) {
            return failed(name, settings, Optional.of(engineName), engineName + " engine not available", revision);
        }
        LoadResult result;
        try {
            result = engine.get().load(new PolicySource(name, dir, settings.entrypoint(), rego, shared, wasmFile, data));
        } catch (RuntimeException e) {
            result = new LoadResult.Failed(engineName + " engine failed to load " + dir + ": " + e);
        }
        return switch (result) {
            case LoadResult.Loaded l -> new Tenant(name, settings, Optional.of(engineName), Optional.of(l.policy()),
                    Optional.empty(), revision);
            case LoadResult.Failed f -> failed(name, settings, Optional.of(engineName), f.message(), revision);
        };
    }

    private static Tenant failed(String name, TenantSettings settings, Optional<String> engine, String error,
                                 String revision) {
        return new Tenant(name, settings, engine, Optional.empty(), Optional.of(error), revision);
    }

    private static JsonNode data(Path dir) {
        Path json = dir.resolve("data.json");
        Path yaml = dir.resolve("data.yaml");
        boolean hasJson = Files.isRegularFile(json);
        boolean hasYaml = Files.isRegularFile(yaml);
        if (hasJson && hasYaml) {
            throw new IllegalArgumentException(dir + ": both data.json and data.yaml present; keep one");
        }
        if (!hasJson && !hasYaml) {
            return JsonNodeFactory.instance.objectNode();
        }
        Path file = hasJson ? json : yaml;
        JsonNode node;
        try {
            node = (hasJson ? JSON : YAML).readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": does not parse (line " + (e.getLocation() == null ? -1 : e.getLocation().getLineNr())
                    + ", column " + (e.getLocation() == null ? -1 : e.getLocation().getColumnNr()) + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(file + ": top level must be an object");
        }
        return node;
    }

    private static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String revision(Path root, List<Path> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                sha.update(root.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(f));
                sha.update((byte) 0);
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            return "unreadable";
        }
    }
}
