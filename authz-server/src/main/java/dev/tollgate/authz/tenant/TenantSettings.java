package dev.tollgate.authz.tenant;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.authz.ratelimit.RateLimitConfig;
import dev.tollgate.authz.ratelimit.RateLimitConfigException;
import dev.tollgate.authz.ratelimit.TenantRateLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's {@code tenant.yaml}.
 *
 * @param entrypoint     rule to evaluate, default {@code envoy/authz/allow}
 * @param allowAnonymous callers without an identity are evaluated (no {@code input.identity}) instead of denied
 * @param failOpen       an evaluation error allows instead of denies
 * @param engine         {@code wasm} or {@code rego}; empty means chosen by the files present
 * @param rateLimits     the {@code rate_limits:} section (schema in the ratelimit package documentation)
 */
public record TenantSettings(String entrypoint, boolean allowAnonymous, boolean failOpen, Optional<String> engine,
                             TenantRateLimits rateLimits) {
    public static final String DEFAULT_ENTRYPOINT = "envoy/authz/allow";
    /** Shared, so settings without rate limits compare equal. */
    public static final TenantRateLimits NO_RATE_LIMITS = RateLimitConfig.none();
    public static final TenantSettings DEFAULTS = new TenantSettings(DEFAULT_ENTRYPOINT, false, false, Optional.empty());
    private static final Set<String> KEYS = Set.of("entrypoint", "allow_anonymous", "fail_mode", "engine",
            "rate_limits");

    /** Settings without rate limits. */
    public TenantSettings(String entrypoint, boolean allowAnonymous, boolean failOpen, Optional<String> engine) {
        this(entrypoint, allowAnonymous, failOpen, engine, NO_RATE_LIMITS);
    }
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads {@code file}; a missing file gives the defaults. Errors name the file and key. */
    static TenantSettings read(Path file) {
        if (!Files.exists(file)) {
            return DEFAULTS;
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid YAML (line " + (e.getLocation() == null ? -1 : e.getLocation().getLineNr()) + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return DEFAULTS;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": must be a mapping of keys");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!KEYS.contains(e.getKey())) {
                throw new IllegalArgumentException(file + ": unknown key '" + e.getKey()
                        + "' (known: entrypoint, allow_anonymous, fail_mode, engine, rate_limits)");
            }
        }
        String entrypoint = DEFAULT_ENTRYPOINT;
        JsonNode ep = root.get("entrypoint");
        if (ep != null) {
            if (!ep.isTextual() || !ep.textValue().matches("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*")) {
                throw new IllegalArgumentException(file + ": key 'entrypoint' must be a rule path like envoy/authz/allow, got " + ep);
            }
            entrypoint = ep.textValue();
        }
        boolean anonymous = false;
        JsonNode an = root.get("allow_anonymous");
        if (an != null) {
            if (!an.isBoolean()) {
                throw new IllegalArgumentException(file + ": key 'allow_anonymous' must be true or false, got " + an);
            }
            anonymous = an.booleanValue();
        }
        boolean failOpen = false;
        JsonNode fm = root.get("fail_mode");
        if (fm != null) {
            if (!fm.isTextual() || !(fm.textValue().equals("open") || fm.textValue().equals("closed"))) {
                throw new IllegalArgumentException(file + ": key 'fail_mode' must be 'open' or 'closed', got " + fm);
            }
            failOpen = fm.textValue().equals("open");
        }
        Optional<String> engine = Optional.empty();
        JsonNode en = root.get("engine");
        if (en != null) {
            if (!en.isTextual() || !(en.textValue().equals("wasm") || en.textValue().equals("rego"))) {
                throw new IllegalArgumentException(file + ": key 'engine' must be 'wasm' or 'rego', got " + en);
            }
            engine = Optional.of(en.textValue());
        }
        TenantRateLimits rateLimits = NO_RATE_LIMITS;
        if (root.has("rate_limits")) {
            try {
                rateLimits = RateLimitConfig.parse(root.get("rate_limits"), file.toString());
            } catch (RateLimitConfigException e) {
                throw new IllegalArgumentException(String.join("; ", e.problems()));
            }
        }
        return new TenantSettings(entrypoint, anonymous, failOpen, engine, rateLimits);
    }
}
