package dev.tollgate.authz.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.authz.policy.BundleTenant;
import dev.tollgate.authz.policy.bundle.BundleOptions;
import dev.tollgate.authz.policy.bundle.BundleSource;
import dev.tollgate.authz.policy.bundle.FileBundleSource;
import dev.tollgate.authz.policy.bundle.HttpBundleSource;
import dev.tollgate.authz.policy.bundle.VerificationConfig;
import dev.tollgate.authz.policy.bundle.VerificationKey;
import dev.tollgate.authz.tenant.TenantSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config's {@code tenants:} (tenants served from OPA bundles) and {@code keys:} (bundle
 * signature keys), after OPA's {@code bundles}, {@code services.credentials} and {@code keys}
 * settings. Every error names the config file and the full key.
 */
final class BundleTenantsConfig {
    private static final Set<String> TENANT_EXTRA_KEYS = Set.of("bundle");
    private static final Set<String> BUNDLE_KEYS = Set.of("url", "path", "polling", "credentials", "signing");

    private BundleTenantsConfig() {
    }

    static List<BundleTenant> parse(JsonNode tenants, String tenantsOrigin, JsonNode keys, String keysOrigin) {
        Map<String, VerificationKey> parsedKeys = keys(keys, keysOrigin);
        List<BundleTenant> out = new ArrayList<>();
        if (!tenants.isObject()) {
            throw new ConfigException(tenantsOrigin + ": key 'tenants' must be a mapping of tenant names");
        }
        for (Map.Entry<String, JsonNode> e : tenants.properties()) {
            String name = e.getKey();
            String key = "tenants." + name;
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.equals("shared")) {
                throw new ConfigException(tenantsOrigin + ": key '" + key
                        + "': tenant names are letters, digits, '.', '_' and '-' (and not 'shared')");
            }
            JsonNode t = e.getValue();
            if (!t.isObject()) {
                throw new ConfigException(tenantsOrigin + ": key '" + key + "' must be a mapping");
            }
            TenantSettings settings;
            try {
                settings = TenantSettings.parse(t, tenantsOrigin + ": key '" + key + "'", TENANT_EXTRA_KEYS);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(ex.getMessage());
            }
            JsonNode bundle = t.get("bundle");
            if (bundle == null || !bundle.isObject()) {
                throw new ConfigException(tenantsOrigin + ": key '" + key
                        + ".bundle' is required: a mapping with 'url' or 'path'");
            }
            String bkey = key + ".bundle";
            for (Map.Entry<String, JsonNode> b : bundle.properties()) {
                if (!BUNDLE_KEYS.contains(b.getKey())) {
                    throw new ConfigException(tenantsOrigin + ": unknown key '" + bkey + "." + b.getKey()
                            + "' (known: url, path, polling, credentials, signing)");
                }
            }
            BundleSource source = source(bundle, bkey, tenantsOrigin);
            BundleOptions options = BundleOptions.DEFAULT;
            JsonNode signing = bundle.get("signing");
            if (signing != null && !signing.isNull()) {
                options = BundleOptions.verified(verification(signing, bkey + ".signing", tenantsOrigin, parsedKeys));
            }
            out.add(new BundleTenant(name, settings, source, options));
        }
        return out;
    }

    private static BundleSource source(JsonNode bundle, String key, String origin) {
        JsonNode url = bundle.get("url");
        JsonNode path = bundle.get("path");
        if ((url == null) == (path == null)) {
            throw new ConfigException(origin + ": key '" + key + "' needs exactly one of 'url' and 'path'");
        }
        Duration[] delays = polling(bundle.get("polling"), key + ".polling", origin, url != null);
        JsonNode credentials = bundle.get("credentials");
        if (path != null) {
            if (credentials != null) {
                throw new ConfigException(origin + ": key '" + key + ".credentials' applies to 'url' bundles only");
            }
            String p = text(path, key + ".path", origin);
            return new FileBundleSource(Path.of(p), delays[0], delays[1]);
        }
        URI uri;
        try {
            uri = new URI(text(url, key + ".url", origin));
        } catch (URISyntaxException e) {
            throw new ConfigException(origin + ": key '" + key + ".url' is not a URL: " + e.getMessage());
        }
        HttpBundleSource source;
        try {
            source = HttpBundleSource.of(uri).withPolling(delays[0], delays[1]);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": key '" + key + ".url': " + e.getMessage());
        }
        if (credentials != null) {
            String ckey = key + ".credentials";
            JsonNode bearer = credentials.get("bearer");
            if (!credentials.isObject() || bearer == null || !bearer.isObject() || credentials.size() != 1) {
                throw new ConfigException(origin + ": key '" + ckey + "' must be {bearer: {token: ...}} or "
                        + "{bearer: {token_path: FILE}}");
            }
            JsonNode token = bearer.get("token");
            JsonNode tokenPath = bearer.get("token_path");
            if ((token == null) == (tokenPath == null) || bearer.size() != 1) {
                throw new ConfigException(origin + ": key '" + ckey + ".bearer' needs exactly one of 'token' and "
                        + "'token_path'");
            }
            try {
                source = token != null ? source.withBearerToken(text(token, ckey + ".bearer.token", origin))
                        : source.withBearerTokenFile(Path.of(text(tokenPath, ckey + ".bearer.token_path", origin)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(origin + ": key '" + ckey + ".bearer': " + e.getMessage());
            }
        }
        return source;
    }

    private static Duration[] polling(JsonNode polling, String key, String origin, boolean http) {
        Duration min = http ? Duration.ofSeconds(60) : Duration.ofSeconds(5);
        Duration max = http ? Duration.ofSeconds(120) : Duration.ofSeconds(10);
        if (polling != null) {
            if (!polling.isObject()) {
                throw new ConfigException(origin + ": key '" + key
                        + "' must be a mapping (min_delay_seconds, max_delay_seconds)");
            }
            for (Map.Entry<String, JsonNode> e : polling.properties()) {
                JsonNode v = e.getValue();
                if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 86_400) {
                    throw new ConfigException(origin + ": key '" + key + "." + e.getKey()
                            + "' must be a whole number of seconds from 1 to 86400, got " + v);
                }
                switch (e.getKey()) {
                    case "min_delay_seconds" -> min = Duration.ofSeconds(v.asLong());
                    case "max_delay_seconds" -> max = Duration.ofSeconds(v.asLong());
                    default -> throw new ConfigException(origin + ": unknown key '" + key + "." + e.getKey()
                            + "' (known: min_delay_seconds, max_delay_seconds)");
                }
            }
            if (polling.has("min_delay_seconds") && !polling.has("max_delay_seconds") && max.compareTo(min) < 0) {
                max = min;
            }
            if (max.compareTo(min) < 0) {
                throw new ConfigException(origin + ": key '" + key + "': max_delay_seconds is less than min_delay_seconds");
            }
        }
        return new Duration[] {min, max};
    }

    private static VerificationConfig verification(JsonNode signing, String key, String origin,
                                                   Map<String, VerificationKey> keys) {
        if (!signing.isObject()) {
            throw new ConfigException(origin + ": key '" + key + "' must be a mapping (keyid, scope, exclude_files)");
        }
        String keyId = "";
        String scope = "";
        List<String> exclude = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : signing.properties()) {
            switch (e.getKey()) {
                case "keyid" -> keyId = text(e.getValue(), key + ".keyid", origin);
                case "scope" -> scope = text(e.getValue(), key + ".scope", origin);
                case "exclude_files" -> {
                    if (!e.getValue().isArray()) {
                        throw new ConfigException(origin + ": key '" + key + ".exclude_files' must be a list of globs");
                    }
                    for (JsonNode g : e.getValue()) {
                        exclude.add(text(g, key + ".exclude_files", origin));
                    }
                }
                default -> throw new ConfigException(origin + ": unknown key '" + key + "." + e.getKey()
                        + "' (known: keyid, scope, exclude_files)");
            }
        }
        if (keys.isEmpty()) {
            throw new ConfigException(origin + ": key '" + key + "' needs verification keys under 'keys'");
        }
        try {
            return new VerificationConfig(keys, keyId, scope, exclude);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": key '" + key + "': " + e.getMessage());
        }
    }

    private static Map<String, VerificationKey> keys(JsonNode keys, String origin) {
        if (!keys.isObject()) {
            throw new ConfigException(origin + ": key 'keys' must be a mapping of key ids");
        }
        Map<String, VerificationKey> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : keys.properties()) {
            String key = "keys." + e.getKey();
            JsonNode k = e.getValue();
            if (!k.isObject()) {
                throw new ConfigException(origin + ": key '" + key + "' must be a mapping (algorithm, key or key_file, scope)");
            }
            String algorithm = null;
            String material = null;
            String scope = "";
            for (Map.Entry<String, JsonNode> f : k.properties()) {
                switch (f.getKey()) {
                    case "algorithm" -> algorithm = text(f.getValue(), key + ".algorithm", origin);
                    case "key" -> material = text(f.getValue(), key + ".key", origin);
                    case "key_file" -> {
                        Path file = Path.of(text(f.getValue(), key + ".key_file", origin));
                        try {
                            material = Files.readString(file);
                        } catch (IOException ex) {
                            throw new ConfigException(origin + ": key '" + key + ".key_file': cannot read " + file
                                    + " (" + ex.getMessage() + ")");
                        }
                    }
                    case "scope" -> scope = text(f.getValue(), key + ".scope", origin);
                    default -> throw new ConfigException(origin + ": unknown key '" + key + "." + f.getKey()
                            + "' (known: algorithm, key, key_file, scope)");
                }
            }
            if (material == null || (k.has("key") && k.has("key_file"))) {
                throw new ConfigException(origin + ": key '" + key + "' needs exactly one of 'key' and 'key_file'");
            }
            try {
                out.put(e.getKey(), VerificationKey.of(algorithm, material, scope));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(origin + ": key '" + key + "': " + ex.getMessage());
            }
        }
        return out;
    }

    private static String text(JsonNode v, String key, String origin) {
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw new ConfigException(origin + ": key '" + key + "' must be a non-empty string, got " + v);
        }
        return v.textValue();
    }
}
