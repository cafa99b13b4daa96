package dev.tollgate.authz.tenant;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import dev.tollgate.authz.engine.rego.RegoPolicy;
import dev.tollgate.authz.policy.bundle.Bundle;
import dev.tollgate.authz.policy.bundle.BundleException;
import dev.tollgate.authz.policy.bundle.BundleLoader;
import dev.tollgate.authz.policy.bundle.BundleOptions;
import dev.tollgate.authz.policy.bundle.RegoModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Loads {@code <policies>/<tenant>/} folders. {@code <policies>/shared/} is a library for every
 * tenant, not a tenant. A folder holding a {@code .manifest} is an OPA bundle directory and is
 * loaded as one (without the shared library: a bundle is self-contained). A tenant that fails to
 * load is still returned, with its error.
 *
 * <p>Names starting with {@code .} are skipped, so Kubernetes volume internals ({@code ..data},
 * {@code ..2026_11_29_...}) are never read twice; links are followed.
 */
public final class TenantLoader {
    public static final String SHARED = "shared";
    static final String MANIFEST = ".manifest";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int MAX_DEPTH = 16;

    private final Engines engines;
    private final Function<String, BundleOptions> bundleOptions;

    public TenantLoader(Engines engines) {
        this(engines, tenant -> BundleOptions.DEFAULT);
    }

    /** @param bundleOptions how each tenant's bundle directory is read (signature keys) */
    public TenantLoader(Engines engines, Function<String, BundleOptions> bundleOptions) {
        this.engines = engines;
        this.bundleOptions = bundleOptions;
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

    /**
     * The revision a load of {@code name} would have now: a hash of the tenant's files (and of the
     * shared library for a non-bundle tenant). Reads files but compiles nothing.
     */
    public static String revision(Path policiesDir, String name) {
        Path dir = policiesDir.resolve(name);
        try {
            List<Path> files = new ArrayList<>(files(dir, f -> true));
            if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
                files.addAll(files(policiesDir.resolve(SHARED), f -> f.getFileName().toString().endsWith(".rego")));
            }
            return revision(policiesDir, files);
        } catch (IOException | UncheckedIOException e) {
            return "unreadable";
        }
    }

    public Tenant load(Path policiesDir, String name) {
        Path dir = policiesDir.resolve(name);
        TenantSettings settings;
        try {
            settings = TenantSettings.read(dir.resolve("tenant.yaml"));
        } catch (IllegalArgumentException e) {
            return failed(name, TenantSettings.DEFAULTS, Optional.empty(), e.getMessage(), revision(policiesDir, name));
        }
        if (Files.isRegularFile(dir.resolve(MANIFEST))) {
            String revisionOfFiles = revision(policiesDir, name);
            try {
                Bundle bundle = new BundleLoader(bundleOptions.apply(name)).loadDirectory(dir);
                return fromBundle(name, settings, bundle);
            } catch (BundleException e) {
                return failed(name, settings, Optional.empty(), dir + ": " + e.getMessage(), revisionOfFiles);
            }
        }
        List<Path> rego;
        List<Path> shared;
        List<Path> dataFiles;
        List<Path> all;
        try {
            rego = files(dir, f -> f.getFileName().toString().endsWith(".rego"));
            shared = files(policiesDir.resolve(SHARED), f -> f.getFileName().toString().endsWith(".rego"));
            dataFiles = files(dir, TenantLoader::isDataFile);
            all = new ArrayList<>(files(dir, f -> true));
        } catch (IOException | UncheckedIOException e) {
            return failed(name, settings, Optional.empty(), dir + ": cannot list files (" + e.getMessage() + ")",
                    "unreadable");
        }
        all.addAll(shared);
        String revision = revision(policiesDir, all);
        Path wasmPath = dir.resolve("policy.wasm");
        boolean hasWasm = Files.isRegularFile(wasmPath);
        String engineName = settings.engine().orElse(hasWasm ? Engines.WASM : !rego.isEmpty() ? Engines.REGO : null);
        if (engineName == null) {
            return failed(name, settings, Optional.empty(),
                    dir + ": no policy found (expected policy.wasm or *.rego files)", revision);
        }
        PolicySource source;
        try {
            List<PolicySource.Module> modules = new ArrayList<>();
            for (Path f : rego) {
                modules.add(new PolicySource.Module(policiesDir.relativize(f).toString(), read(f), false));
            }
            for (Path f : shared) {
                modules.add(new PolicySource.Module(policiesDir.relativize(f).toString(), read(f), true));
            }
            Optional<PolicySource.Wasm> wasm = hasWasm
                    ? Optional.of(new PolicySource.Wasm(wasmPath.toString(), Files.readAllBytes(wasmPath)))
                    : Optional.empty();
            source = new PolicySource(name, dir.toString(), settings.entrypoint(), modules, wasm,
                    data(dir, dataFiles), settings.evaluation(), settings.checkInputSchema());
        } catch (IllegalArgumentException e) {
            return failed(name, settings, Optional.of(engineName), e.getMessage(), revision);
        } catch (IOException e) {
            return failed(name, settings, Optional.of(engineName), dir + ": cannot read (" + e.getMessage() + ")",
                    revision);
        }
        return compile(name, settings, engineName, source, revision, Optional.empty());
    }

    /**
     * A tenant served from an OPA bundle: {@code policy.wasm} with manifest entrypoints uses the wasm
     * engine, Rego modules use jrego. The revision is the manifest's.
     */
    public Tenant fromBundle(String name, TenantSettings settings, Bundle bundle) {
        String revision = bundle.revision().isEmpty() ? "unrevised" : bundle.revision();
        boolean wasm = bundle.policyWasm().isPresent()
                && bundle.wasmModules().stream().anyMatch(w -> !w.entrypoints().isEmpty());
        String engineName = settings.engine().orElse(wasm ? Engines.WASM
                : !bundle.modules().isEmpty() ? Engines.REGO : null);
        if (engineName == null) {
            return failed(name, settings, Optional.empty(),
                    bundle.source() + ": bundle has no Rego modules and no policy.wasm with entrypoints", revision);
        }
        List<PolicySource.Module> modules = new ArrayList<>();
        for (RegoModule m : bundle.modules()) {
            modules.add(new PolicySource.Module(name + m.path(), m.text(), false));
        }
        Optional<PolicySource.Wasm> wasmModule = bundle.policyWasm()
                .map(bytes -> new PolicySource.Wasm(bundle.source() + "/policy.wasm", bytes));
        PolicySource source = new PolicySource(name, bundle.source(), settings.entrypoint(), modules, wasmModule,
                bundle.data(), settings.evaluation(), settings.checkInputSchema());
        return compile(name, settings, engineName, source, revision, Optional.of(bundle));
    }

    private Tenant compile(String name, TenantSettings settings, String engineName, PolicySource source,
                           String revision, Optional<Bundle> bundle) {
        Optional<PolicyEngine> engine = engines.get(engineName);
        if (engine.isEmpty()) {
            return failed(name, settings, Optional.of(engineName), engineName + " engine not available", revision);
        }
        LoadResult result;
        try {
            result = engine.get().load(source);
        } catch (RuntimeException e) {
            result = new LoadResult.Failed(engineName + " engine failed to load " + source.location() + ": " + e);
        }
        if (result instanceof LoadResult.Loaded l && l.policy() instanceof RegoPolicy rego && bundle.isPresent()) {
            try {
                // As OPA does on activation: bundle data must not sit where a rule is defined.
                bundle.get().checkRuleConflicts(rego.rulePaths());
            } catch (BundleException e) {
                result = new LoadResult.Failed(source.location() + ": " + e.getMessage());
            }
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

    private static boolean isDataFile(Path f) {
        String n = f.getFileName().toString();
        return n.equals("data.json") || n.equals("data.yaml") || n.equals("data.yml");
    }

    private static String read(Path f) throws IOException {
        return Files.readString(f, StandardCharsets.UTF_8);
    }

    /** Every data file placed at its directory's path below the tenant folder and merged, as OPA does. */
    static ObjectNode data(Path dir, List<Path> dataFiles) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        Map<String, Path> origins = new TreeMap<>();
        Map<Path, Path> byDirectory = new TreeMap<>();
        for (Path file : dataFiles) {
            Path previous = byDirectory.put(file.getParent(), file);
            if (previous != null) {
                throw new IllegalArgumentException(file.getParent() + ": both " + previous.getFileName() + " and "
                        + file.getFileName() + " present; keep one");
            }
        }
        for (Path file : dataFiles) {
            JsonNode node = parseData(file);
            List<String> at = new ArrayList<>();
            for (Path segment : dir.relativize(file.getParent())) {
                if (!segment.toString().isEmpty()) {
                    at.add(segment.toString());
                }
            }
            if (at.isEmpty() && !node.isObject()) {
                throw new IllegalArgumentException(file + ": top level must be an object");
            }
            ObjectNode target = root;
            for (int i = 0; i < at.size() - 1; i++) {
                JsonNode child = target.get(at.get(i));
                if (child == null) {
                    child = target.putObject(at.get(i));
                } else if (!child.isObject()) {
                    throw new IllegalArgumentException(file + ": data at '" + String.join(".", at.subList(0, i + 1))
                            + "' collides with " + origins.get(String.join(".", at.subList(0, i + 1))));
                }
                target = (ObjectNode) child;
            }
            if (at.isEmpty()) {
                merge(root, (ObjectNode) node, "", file, origins);
            } else {
                ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
                wrapper.set(at.getLast(), node);
                merge(target, wrapper, String.join(".", at.subList(0, at.size() - 1)), file, origins);
            }
        }
        return root;
    }

    private static void merge(ObjectNode into, ObjectNode from, String at, Path file, Map<String, Path> origins) {
        for (Map.Entry<String, JsonNode> e : from.properties()) {
            String path = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
            JsonNode existing = into.get(e.getKey());
            if (existing == null) {
                into.set(e.getKey(), e.getValue());
                origins.putIfAbsent(path, file);
            } else if (existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, (ObjectNode) e.getValue(), path, file, origins);
            } else {
                Path other = null;
                for (String p = path; other == null && !p.isEmpty(); p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : "") {
                    other = origins.get(p);
                }
                throw new IllegalArgumentException(file + ": data at '" + path + "' collides with data from "
                        + (other == null ? "another data file" : other));
            }
        }
    }

    private static JsonNode parseData(Path file) {
        boolean json = file.getFileName().toString().endsWith(".json");
        JsonNode node;
        try {
            node = (json ? JSON : YAML).readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": does not parse (line " + (e.getLocation() == null ? -1 : e.getLocation().getLineNr())
                    + ", column " + (e.getLocation() == null ? -1 : e.getLocation().getColumnNr()) + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (node == null || node.isMissingNode()) {
            throw new IllegalArgumentException(file + ": is empty");
        }
        // As OPA loads data: a lone surrogate ("\ud800") becomes U+FFFD.
        return dev.tollgate.authz.policy.bundle.JsonTrees.withWellFormedStrings(node);
    }

    /**
     * Regular files under {@code dir} (links followed), sorted; hidden names skipped except the
     * bundle files {@code .manifest} and {@code .signatures.json} at the top.
     */
    static List<Path> files(Path dir, java.util.function.Predicate<Path> filter) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return !d.equals(dir) && d.getFileName().toString().startsWith(".")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                String n = f.getFileName().toString();
                boolean hidden = n.startsWith(".")
                        && !(f.getParent().equals(dir) && (n.equals(MANIFEST) || n.equals(".signatures.json")));
                if (attrs.isRegularFile() && !hidden && filter.test(f)) {
                    out.add(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (f.getFileName() != null && f.getFileName().toString().startsWith(".")) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        out.sort(null);
        return out;
    }

    private static String revision(Path root, List<Path> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                sha.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
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
