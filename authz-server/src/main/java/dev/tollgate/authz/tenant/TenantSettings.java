package dev.tollgate.authz.tenant;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.authz.engine.EvalSettings;
import dev.tollgate.authz.ratelimit.RateLimitConfig;
import dev.tollgate.authz.ratelimit.RateLimitConfigException;
import dev.tollgate.authz.ratelimit.TenantRateLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's {@code tenant.yaml} (or, for a tenant served from a bundle, its entry under
 * {@code tenants.<name>} in the server config).
 *
 * @param entrypoint     rule to evaluate, default {@code envoy/authz/allow}
 * @param allowAnonymous callers without an identity are evaluated (no {@code input.identity}) instead of denied
 * @param failOpen       an evaluation error allows instead of denies
 * @param engine         {@code wasm} or {@code rego}; empty means chosen by the files present
 * @param evaluation     evaluation budget and {@code http.send} allow-list
 * @param rateLimits     the {@code rate_limits:} section (schema in the ratelimit package documentation)
 * @param checkInputSchema {@code input_schema: tollgate} (the default): Rego is type checked against the
 *                       schema of Tollgate's input document; {@code none}: input is not checked
 * @param dryRun         {@code mode: dry_run}: decisions are made, logged and counted, but every deny is answered
 *                       as an allow ({@code dry_run_would_deny})
 */
public record TenantSettings(String entrypoint, boolean allowAnonymous, boolean failOpen, Optional<String> engine,
                             EvalSettings evaluation, TenantRateLimits rateLimits, boolean checkInputSchema,
                             boolean dryRun) {
    public static final String DEFAULT_ENTRYPOINT = "envoy/authz/allow";
    /** Shared, so settings without rate limits compare equal. */
    public static final TenantRateLimits NO_RATE_LIMITS = RateLimitConfig.none();
    public static final TenantSettings DEFAULTS = new TenantSettings(DEFAULT_ENTRYPOINT, false, false, Optional.empty(),
            EvalSettings.DEFAULTS, NO_RATE_LIMITS, true, false);
    /** The keys of {@code tenant.yaml}. */
    public static final List<String> KEYS = List.of("entrypoint", "allow_anonymous", "fail_mode", "engine",
            "evaluation", "http_send", "rate_limits", "input_schema", "mode");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Settings that enforce their decisions and are checked against Tollgate's input schema. */
    public TenantSettings(String entrypoint, boolean allowAnonymous, boolean failOpen, Optional<String> engine,
                          EvalSettings evaluation, TenantRateLimits rateLimits) {
        this(entrypoint, allowAnonymous, failOpen, engine, evaluation, rateLimits, true, false);
    }

    /** Settings with the default evaluation budget and no rate limits. */
    public TenantSettings(String entrypoint, boolean allowAnonymous, boolean failOpen, Optional<String> engine) {
        this(entrypoint, allowAnonymous, failOpen, engine, EvalSettings.DEFAULTS, NO_RATE_LIMITS);
    }

    /** Settings without rate limits. */
    public TenantSettings(String entrypoint, boolean allowAnonymous, boolean failOpen, Optional<String> engine,
                          EvalSettings evaluation) {
        this(entrypoint, allowAnonymous, failOpen, engine, evaluation, NO_RATE_LIMITS);
    }

    /** Settings with the default evaluation budget. */
    public TenantSettings(String entrypoint, boolean allowAnonymous, boolean failOpen, Optional<String> engine,
                          TenantRateLimits rateLimits) {
        this(entrypoint, allowAnonymous, failOpen, engine, EvalSettings.DEFAULTS, rateLimits);
    }

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
        return parse(root, file.toString(), Set.of());
    }

    /**
     * Reads settings from a YAML tree. {@code otherKeys} are accepted and ignored (the server config
     * puts {@code bundle} beside these keys). Errors start with {@code origin}.
     */
    public static TenantSettings parse(JsonNode root, String origin, Set<String> otherKeys) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return DEFAULTS;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(origin + ": must be a mapping of keys");
        }
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!KEYS.contains(e.getKey()) && !otherKeys.contains(e.getKey())) {
                throw new IllegalArgumentException(origin + ": unknown key '" + e.getKey()
                        + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        String entrypoint = DEFAULT_ENTRYPOINT;
        JsonNode ep = root.get("entrypoint");
        if (ep != null) {
            if (!ep.isTextual() || !ep.textValue().matches("[A-Za-z0-9_]+(/[A-Za-z0-9_]+)*")) {
                throw new IllegalArgumentException(origin + ": key 'entrypoint' must be a rule path like envoy/authz/allow, got " + ep);
            }
            entrypoint = ep.textValue();
        }
        boolean anonymous = false;
        JsonNode an = root.get("allow_anonymous");
        if (an != null) {
            if (!an.isBoolean()) {
                throw new IllegalArgumentException(origin + ": key 'allow_anonymous' must be true or false, got " + an);
            }
            anonymous = an.booleanValue();
        }
        boolean failOpen = false;
        JsonNode fm = root.get("fail_mode");
        if (fm != null) {
            if (!fm.isTextual() || !(fm.textValue().equals("open") || fm.textValue().equals("closed"))) {
                throw new IllegalArgumentException(origin + ": key 'fail_mode' must be 'open' or 'closed', got " + fm);
            }
            failOpen = fm.textValue().equals("open");
        }
        Optional<String> engine = Optional.empty();
        JsonNode en = root.get("engine");
        if (en != null) {
            if (!en.isTextual() || !(en.textValue().equals("wasm") || en.textValue().equals("rego"))) {
                throw new IllegalArgumentException(origin + ": key 'engine' must be 'wasm' or 'rego', got " + en);
            }
            engine = Optional.of(en.textValue());
        }
        TenantRateLimits rateLimits = NO_RATE_LIMITS;
        if (root.has("rate_limits")) {
            try {
                rateLimits = RateLimitConfig.parse(root.get("rate_limits"), origin);
            } catch (RateLimitConfigException e) {
                throw new IllegalArgumentException(String.join("; ", e.problems()));
            }
        }
        return new TenantSettings(entrypoint, anonymous, failOpen, engine, evaluation(root, origin), rateLimits,
                checkInputSchema(root, origin), dryRun(root, origin));
    }

    private static boolean dryRun(JsonNode root, String origin) {
        JsonNode mode = root.get("mode");
        if (mode == null) {
            return false;
        }
        if (!mode.isTextual() || !(mode.textValue().equals("enforce") || mode.textValue().equals("dry_run"))) {
            throw new IllegalArgumentException(origin + ": key 'mode' must be 'enforce' or 'dry_run', got " + mode);
        }
        return mode.textValue().equals("dry_run");
    }

    private static boolean checkInputSchema(JsonNode root, String origin) {
        JsonNode is = root.get("input_schema");
        if (is == null) {
            return true;
        }
        if (!is.isTextual() || !(is.textValue().equals("tollgate") || is.textValue().equals("none"))) {
            throw new IllegalArgumentException(origin + ": key 'input_schema' must be 'tollgate' or 'none', got " + is);
        }
        return is.textValue().equals("tollgate");
    }

    private static EvalSettings evaluation(JsonNode root, String origin) {
        long maxSteps = EvalSettings.DEFAULTS.maxSteps();
        Duration timeout = EvalSettings.DEFAULTS.timeout();
        JsonNode ev = root.get("evaluation");
        if (ev != null) {
            if (!ev.isObject()) {
                throw new IllegalArgumentException(origin + ": key 'evaluation' must be a mapping (max_steps, timeout_ms)");
            }
            for (Map.Entry<String, JsonNode> e : ev.properties()) {
                switch (e.getKey()) {
                    case "max_steps" -> maxSteps = positive(origin, "evaluation.max_steps", e.getValue(), Long.MAX_VALUE);
                    case "timeout_ms" -> timeout = Duration.ofMillis(
                            positive(origin, "evaluation.timeout_ms", e.getValue(), 60_000));
                    default -> throw new IllegalArgumentException(origin + ": unknown key 'evaluation." + e.getKey()
                            + "' (known: max_steps, timeout_ms)");
                }
            }
        }
        Set<String> hosts = new LinkedHashSet<>();
        JsonNode hs = root.get("http_send");
        if (hs != null) {
            if (!hs.isObject()) {
                throw new IllegalArgumentException(origin + ": key 'http_send' must be a mapping (allowed_hosts)");
            }
            for (Map.Entry<String, JsonNode> e : hs.properties()) {
                if (!e.getKey().equals("allowed_hosts")) {
                    throw new IllegalArgumentException(origin + ": unknown key 'http_send." + e.getKey()
                            + "' (known: allowed_hosts)");
                }
                JsonNode list = e.getValue();
                if (!list.isArray() || list.isEmpty()) {
                    throw new IllegalArgumentException(origin
                            + ": key 'http_send.allowed_hosts' must be a non-empty list of host names");
                }
                for (JsonNode h : list) {
                    if (!h.isTextual() || !h.textValue().matches("[A-Za-z0-9.-]+")) {
                        throw new IllegalArgumentException(origin
                                + ": key 'http_send.allowed_hosts' must hold host names (no scheme or port), got " + h);
                    }
                    hosts.add(h.textValue());
                }
            }
        }
        return new EvalSettings(maxSteps, timeout, hosts);
    }

    private static long positive(String origin, String key, JsonNode v, long max) {
        if (!v.isIntegralNumber() || v.asLong() <= 0 || v.asLong() > max) {
            throw new IllegalArgumentException(origin + ": key '" + key + "' must be a whole number from 1 to " + max
                    + ", got " + v);
        }
        return v.asLong();
    }
}
