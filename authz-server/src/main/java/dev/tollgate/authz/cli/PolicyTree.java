package dev.tollgate.authz.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A policy directory as {@code serve} reads it: one folder per tenant plus the {@code shared/}
 * library. The authoring commands use it so that each tenant is compiled on its own, with the
 * library, exactly as the server compiles it.
 */
record PolicyTree(Path root) {
    static final String SHARED = "shared";
    static final String DEFAULT_ENTRYPOINT = "envoy/authz/allow";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** True when {@code dir} looks like a policy tree: it has a {@code shared/} folder or tenant folders holding Rego. */
    static boolean looksLikeTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        if (Files.isDirectory(dir.resolve(SHARED))) {
            return true;
        }
        try (Stream<Path> top = Files.list(dir)) {
            return top.noneMatch(p -> p.toString().endsWith(".rego"))
                    && !new PolicyTree(dir).tenants().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Tenant names: folders other than {@code shared/} that hold Rego modules, sorted. */
    List<String> tenants() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString();
                if (Files.isDirectory(child) && !name.equals(SHARED) && !name.startsWith(".") && holdsRego(child)) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    boolean hasTenant(String name) {
        return Files.isDirectory(root.resolve(name));
    }

    /** The folders compiled together for {@code tenant}: its own and the shared library. */
    List<Path> modulePaths(String tenant) {
        List<Path> paths = new ArrayList<>();
        paths.add(root.resolve(tenant));
        Path shared = root.resolve(SHARED);
        if (!tenant.equals(SHARED) && Files.isDirectory(shared)) {
            paths.add(shared);
        }
        return paths;
    }

    /** The tenant's entrypoint from its {@code tenant.yaml}, as a {@code data.} reference. */
    String entrypointRef(String tenant) throws IOException {
        String entrypoint = DEFAULT_ENTRYPOINT;
        Path settings = root.resolve(tenant).resolve("tenant.yaml");
        if (Files.isRegularFile(settings)) {
            JsonNode node = YAML.readTree(settings.toFile());
            if (node != null && node.hasNonNull("entrypoint")) {
                entrypoint = node.get("entrypoint").asText();
            }
        }
        String path = entrypoint.replaceAll("^/+|/+$", "");
        return "data." + path.replace('/', '.');
    }

    /** False when the tenant's {@code tenant.yaml} says {@code input_schema: none}. */
    boolean checksInputSchema(String tenant) {
        Path settings = root.resolve(tenant).resolve("tenant.yaml");
        if (!Files.isRegularFile(settings)) {
            return true;
        }
        try {
            JsonNode node = YAML.readTree(settings.toFile());
            return node == null || !node.path("input_schema").asText("tollgate").equals("none");
        } catch (IOException e) {
            return true;
        }
    }

    static boolean holdsRego(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(p -> p.toString().endsWith(".rego"));
        } catch (IOException e) {
            return false;
        }
    }
}
