package dev.tollgate.authz.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a tenant's {@code rate_limits:} section (see the package documentation for the schema).
 * All problems are collected and reported together, each with the source name and the key path,
 * so one reload tells an operator everything that is wrong.
 */
public final class RateLimitConfig {
    private static final Set<String> TOP_KEYS = Set.of("counters", "on_redis_failure", "budget_headers", "max_keys",
            "idle_expiry_seconds", "tiers", "default", "rules");
    private static final Set<String> RATE_KEYS = Set.of("rate", "per", "burst", "tier");
    private static final Set<String> RULE_KEYS = Set.of("name", "match", "rate", "per", "burst", "tier");
    private static final Set<String> MATCH_KEYS = Set.of("spiffe_id", "spiffe_id_glob", "trust_domain", "namespace",
            "service_account", "method", "path");
    static final String DEFAULT_RULE_NAME = "default";

    private final String source;
    private final List<String> problems = new ArrayList<>();

    private RateLimitConfig(String source) {
        this.source = source;
    }

    /**
     * Parses the value of a tenant's {@code rate_limits} key.
     *
     * @param rateLimits the node under {@code rate_limits}; {@code null} or missing means "no limits"
     * @param source     where it came from, used as the prefix of every problem (e.g. {@code tenants/bank-a/tenant.yaml})
     */
    public static TenantRateLimits parse(JsonNode rateLimits, String source) throws RateLimitConfigException {
        RateLimitConfig parser = new RateLimitConfig(source);
        TenantRateLimits limits = parser.tenant(rateLimits);
        if (!parser.problems.isEmpty()) {
            throw new RateLimitConfigException(parser.problems);
        }
        return limits;
    }

    /** A tenant without limits: every check is {@link RateLimitResult.Unlimited}. */
    public static TenantRateLimits none() {
        return new TenantRateLimits(List.of(), null, Map.of(), TenantRateLimits.Counters.LOCAL,
                TenantRateLimits.OnRedisFailure.LOCAL, false, TenantRateLimits.DEFAULT_MAX_KEYS,
                TenantRateLimits.DEFAULT_IDLE_EXPIRY);
    }

    private TenantRateLimits tenant(JsonNode node) {
        String at = "rate_limits";
        if (node == null || node.isMissingNode() || node.isNull()) {
            return none();
        }
        if (!node.isObject()) {
            problem(at, "expected a mapping, got " + describe(node));
            return none();
        }
        unknownKeys(node, at, TOP_KEYS);
        var counters = enumValue(node, at, "counters", TenantRateLimits.Counters.class, TenantRateLimits.Counters.LOCAL);
        var onFailure = enumValue(node, at, "on_redis_failure", TenantRateLimits.OnRedisFailure.class,
                TenantRateLimits.OnRedisFailure.LOCAL);
        boolean budgetHeaders = false;
        JsonNode bh = node.get("budget_headers");
        if (bh != null) {
            if (bh.isBoolean()) {
                budgetHeaders = bh.booleanValue();
            } else {
                problem(at + ".budget_headers", "expected true or false, got " + describe(bh));
            }
        }
        long maxKeys = positiveLong(node, at, "max_keys", TenantRateLimits.DEFAULT_MAX_KEYS);
        long idleSeconds = positiveLong(node, at, "idle_expiry_seconds", TenantRateLimits.DEFAULT_IDLE_EXPIRY.toSeconds());

        Map<String, Rate> tiers = new LinkedHashMap<>();
        JsonNode tiersNode = node.get("tiers");
        if (tiersNode != null) {
            if (!tiersNode.isObject()) {
                problem(at + ".tiers", "expected a mapping of tier name to rate, got " + describe(tiersNode));
            } else {
                for (Map.Entry<String, JsonNode> e : tiersNode.properties()) {
                    String tierAt = at + ".tiers." + e.getKey();
                    if (!e.getValue().isObject()) {
                        problem(tierAt, "expected a mapping with rate, per, burst, got " + describe(e.getValue()));
                        continue;
                    }
                    unknownKeys(e.getValue(), tierAt, Set.of("rate", "per", "burst"));
                    Rate rate = inlineRate(e.getValue(), tierAt);
                    if (rate != null) {
                        tiers.put(e.getKey(), rate);
                    }
                }
            }
        }

        List<LimitRule> rules = new ArrayList<>();
        JsonNode rulesNode = node.get("rules");
        if (rulesNode != null) {
            if (!rulesNode.isArray()) {
                problem(at + ".rules", "expected a list of rules, got " + describe(rulesNode));
            } else {
                Set<String> names = new HashSet<>();
                names.add(DEFAULT_RULE_NAME);
                for (int i = 0; i < rulesNode.size(); i++) {
                    LimitRule rule = rule(rulesNode.get(i), at + ".rules[" + i + "]", i, tiers, names);
                    if (rule != null) {
                        rules.add(rule);
                    }
                }
            }
        }

        LimitRule defaultRule = null;
        JsonNode def = node.get("default");
        if (def != null) {
            String defAt = at + ".default";
            if (!def.isObject()) {
                problem(defAt, "expected a mapping with rate, per, burst (or tier), got " + describe(def));
            } else {
                unknownKeys(def, defAt, RATE_KEYS);
                RateChoice choice = rateOrTier(def, defAt, tiers);
                if (choice != null) {
                    defaultRule = new LimitRule(DEFAULT_RULE_NAME, IdentityMatch.ANY, List.of(), null, choice.rate(),
                            choice.tier(), Integer.MAX_VALUE);
                }
            }
        }
        return new TenantRateLimits(rules, defaultRule, tiers, counters, onFailure, budgetHeaders, maxKeys,
                Duration.ofSeconds(idleSeconds));
    }

    private LimitRule rule(JsonNode node, String at, int index, Map<String, Rate> tiers, Set<String> names) {
        if (node == null || !node.isObject()) {
            problem(at, "expected a mapping with name, match and a rate or tier, got " + describe(node));
            return null;
        }
        unknownKeys(node, at, RULE_KEYS);
        String name = requiredString(node, at, "name");
        if (name != null && !names.add(name)) {
            problem(at + ".name", "duplicate rule name \"" + name + "\"" + (DEFAULT_RULE_NAME.equals(name)
                    ? " (\"default\" is reserved for the tenant default)" : ""));
        }
        IdentityMatch identity = IdentityMatch.ANY;
        List<String> methods = List.of();
        Glob path = null;
        JsonNode match = node.get("match");
        if (match != null) {
            String matchAt = at + ".match";
            if (!match.isObject()) {
                problem(matchAt, "expected a mapping, got " + describe(match));
            } else {
                unknownKeys(match, matchAt, MATCH_KEYS);
                identity = identity(match, matchAt);
                methods = methods(match, matchAt);
                String pathText = optionalString(match, matchAt, "path");
                if (pathText != null) {
                    if (!pathText.startsWith("/") && !pathText.startsWith("*")) {
                        problem(matchAt + ".path", "expected a path glob starting with / or *, got \"" + pathText + "\"");
                    } else {
                        path = glob(pathText, matchAt + ".path");
                    }
                }
            }
        }
        RateChoice choice = rateOrTier(node, at, tiers);
        if (name == null || choice == null || identity == null) {
            return null;
        }
        return new LimitRule(name, identity, methods, path, choice.rate(), choice.tier(), index);
    }

    private IdentityMatch identity(JsonNode match, String at) {
        String spiffeId = optionalString(match, at, "spiffe_id");
        String globText = optionalString(match, at, "spiffe_id_glob");
        String trustDomain = optionalString(match, at, "trust_domain");
        String namespace = optionalString(match, at, "namespace");
        String serviceAccount = optionalString(match, at, "service_account");
        if (spiffeId != null && !spiffeId.startsWith("spiffe://")) {
            problem(at + ".spiffe_id", "expected a SPIFFE ID (spiffe://trust-domain/path), got \"" + spiffeId + "\"");
        }
        if (globText != null && !globText.startsWith("spiffe://")) {
            problem(at + ".spiffe_id_glob", "expected a pattern starting with spiffe://, got \"" + globText + "\"");
        }
        for (var part : List.of(new String[] {"trust_domain", trustDomain}, new String[] {"namespace", namespace},
                new String[] {"service_account", serviceAccount})) {
            if (part[1] != null && (part[1].isEmpty() || part[1].indexOf('/') >= 0)) {
                problem(at + "." + part[0], "expected a single name without '/', got \"" + part[1] + "\"");
            }
        }
        if (spiffeId != null && (globText != null || trustDomain != null || namespace != null || serviceAccount != null)) {
            problem(at + ".spiffe_id", "an exact spiffe_id cannot be combined with spiffe_id_glob, trust_domain, namespace or service_account");
            return null;
        }
        if (globText != null && (trustDomain != null || namespace != null || serviceAccount != null)) {
            problem(at + ".spiffe_id_glob", "spiffe_id_glob cannot be combined with trust_domain, namespace or service_account");
            return null;
        }
        if (serviceAccount != null && namespace == null) {
            problem(at + ".service_account", "service_account needs namespace (service accounts are per namespace)");
            return null;
        }
        Glob glob = globText == null ? null : glob(globText, at + ".spiffe_id_glob");
        return new IdentityMatch(spiffeId, trustDomain, namespace, serviceAccount, glob);
    }

    private List<String> methods(JsonNode match, String at) {
        JsonNode m = match.get("method");
        if (m == null) {
            return List.of();
        }
        List<String> methods = new ArrayList<>();
        if (m.isTextual()) {
            methods.add(m.textValue());
        } else if (m.isArray() && !m.isEmpty()) {
            for (int i = 0; i < m.size(); i++) {
                if (m.get(i).isTextual()) {
                    methods.add(m.get(i).textValue());
                } else {
                    problem(at + ".method[" + i + "]", "expected an HTTP method name, got " + describe(m.get(i)));
                }
            }
        } else {
            problem(at + ".method", "expected an HTTP method or a non-empty list of them, got " + describe(m));
        }
        for (String method : methods) {
            if (!method.matches("[A-Z]+")) {
                problem(at + ".method", "expected an upper-case HTTP method such as GET, got \"" + method + "\"");
            }
        }
        return List.copyOf(methods);
    }

    private record RateChoice(Rate rate, String tier) {
    }

    /** A rate given inline ({@code rate}/{@code per}/{@code burst}) or by {@code tier}, never both. */
    private RateChoice rateOrTier(JsonNode node, String at, Map<String, Rate> tiers) {
        JsonNode tier = node.get("tier");
        if (tier != null) {
            if (node.has("rate") || node.has("per") || node.has("burst")) {
                problem(at + ".tier", "give either tier or rate/per/burst, not both");
                return null;
            }
            if (!tier.isTextual()) {
                problem(at + ".tier", "expected a tier name, got " + describe(tier));
                return null;
            }
            Rate rate = tiers.get(tier.textValue());
            if (rate == null) {
                problem(at + ".tier", "unknown tier \"" + tier.textValue() + "\"; tiers defined: " + tiers.keySet());
                return null;
            }
            return new RateChoice(rate, tier.textValue());
        }
        if (!node.has("rate")) {
            problem(at, "needs either rate (with per, optional burst) or tier");
            return null;
        }
        Rate rate = inlineRate(node, at);
        return rate == null ? null : new RateChoice(rate, null);
    }

    private Rate inlineRate(JsonNode node, String at) {
        long amount = requiredPositiveLong(node, at, "rate");
        Rate.Per per = null;
        JsonNode perNode = node.get("per");
        if (perNode == null) {
            problem(at + ".per", "missing; expected one of second, minute, hour");
        } else if (!perNode.isTextual() || Rate.Per.parse(perNode.textValue()) == null) {
            problem(at + ".per", "expected one of second, minute, hour, got " + describe(perNode));
        } else {
            per = Rate.Per.parse(perNode.textValue());
        }
        long burst = node.has("burst") ? requiredPositiveLong(node, at, "burst") : amount;
        if (amount < 1 || burst < 1 || per == null) {
            return null;
        }
        try {
            return new Rate(amount, per, burst);
        } catch (IllegalArgumentException e) {
            problem(at, e.getMessage());
            return null;
        }
    }

    private Glob glob(String text, String at) {
        try {
            return Glob.compile(text);
        } catch (IllegalArgumentException e) {
            problem(at, e.getMessage() + ": \"" + text + "\"");
            return null;
        }
    }

    private <E extends Enum<E>> E enumValue(JsonNode node, String at, String key, Class<E> type, E fallback) {
        JsonNode value = node.get(key);
        if (value == null) {
            return fallback;
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String name = constant.name().toLowerCase(java.util.Locale.ROOT);
            allowed.add(name);
            if (value.isTextual() && value.textValue().equals(name)) {
                return constant;
            }
        }
        problem(at + "." + key, "expected one of " + String.join(", ", allowed) + ", got " + describe(value));
        return fallback;
    }

    private long positiveLong(JsonNode node, String at, String key, long fallback) {
        if (!node.has(key)) {
            return fallback;
        }
        long value = requiredPositiveLong(node, at, key);
        return value < 1 ? fallback : value;
    }

    private long requiredPositiveLong(JsonNode node, String at, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            problem(at + "." + key, "missing; expected a positive whole number");
            return -1;
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 1) {
            problem(at + "." + key, "expected a positive whole number, got " + describe(value));
            return -1;
        }
        return value.asLong();
    }

    private String requiredString(JsonNode node, String at, String key) {
        if (!node.has(key)) {
            problem(at + "." + key, "missing");
            return null;
        }
        return optionalString(node, at, key);
    }

    private String optionalString(JsonNode node, String at, String key) {
        JsonNode value = node.get(key);
        if (value == null) {
            return null;
        }
        if (!value.isTextual() || value.textValue().isEmpty()) {
            problem(at + "." + key, "expected a non-empty string, got " + describe(value));
            return null;
        }
        return value.textValue();
    }

    private void unknownKeys(JsonNode node, String at, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                problem(at + "." + key, "unknown key; expected one of " + known.stream().sorted().toList());
            }
        }
    }

    private void problem(String at, String message) {
        problems.add(source + ": " + at + ": " + message);
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "\"" + node.textValue() + "\"";
        }
        String kind = node.isObject() ? "a mapping" : node.isArray() ? "a list" : node.isNull() ? "null"
                : node.isBoolean() ? "boolean" : node.isNumber() ? "number" : node.getNodeType().toString();
        return node.isValueNode() && !node.isNull() ? kind + " " + node.toString() : kind;
    }
}
