package dev.tollgate.authz.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code rate_limit} object a policy may put in its result:
 * {@code {"key": "acct-42", "tier": "premium"}} or
 * {@code {"key": "acct-42", "rate": 50, "per": "second", "burst": 10}}. {@code key} is optional
 * (default: the caller's SPIFFE ID); {@code burst} defaults to {@code rate}.
 *
 * @param limit the limit to apply, or {@code null} when {@code error} says why the object is unusable
 */
record PolicyRateLimit(AppliedLimit limit, String key, String error) {
    static final String EXPLICIT_LIMIT_NAME = "policy";
    private static final Set<String> KEYS = Set.of("key", "tier", "rate", "per", "burst");

    static PolicyRateLimit parse(JsonNode node, Map<String, AppliedLimit> tiers, Caller caller) {
        if (!node.isObject()) {
            return error("expected an object such as {\"key\": ..., \"tier\": ...}, got " + RateLimitConfig.describe(node));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!KEYS.contains(field)) {
                return error("unknown field \"" + field + "\"; expected key, tier, rate, per, burst");
            }
        }
        String key = caller.bucketKey();
        JsonNode keyNode = node.get("key");
        if (keyNode != null) {
            if (!keyNode.isTextual() || keyNode.textValue().isEmpty()) {
                return error("key: expected a non-empty string, got " + RateLimitConfig.describe(keyNode));
            }
            key = keyNode.textValue();
        }
        JsonNode tier = node.get("tier");
        if (tier != null) {
            if (node.has("rate") || node.has("per") || node.has("burst")) {
                return error("give either tier or rate/per/burst, not both");
            }
            if (!tier.isTextual()) {
                return error("tier: expected a tier name, got " + RateLimitConfig.describe(tier));
            }
            AppliedLimit limit = tiers.get(tier.textValue());
            if (limit == null) {
                return error("tier: unknown tier \"" + tier.textValue() + "\"; this tenant defines " + tiers.keySet());
            }
            return new PolicyRateLimit(limit, key, null);
        }
        JsonNode rate = node.get("rate");
        if (rate == null) {
            return error("needs either tier or rate (with per)");
        }
        if (!isPositiveWhole(rate)) {
            return error("rate: expected a positive whole number, got " + RateLimitConfig.describe(rate));
        }
        JsonNode per = node.get("per");
        Rate.Per unit = per != null && per.isTextual() ? Rate.Per.parse(per.textValue()) : null;
        if (unit == null) {
            return error("per: expected one of second, minute, hour, got " + RateLimitConfig.describe(per));
        }
        JsonNode burst = node.get("burst");
        if (burst != null && !isPositiveWhole(burst)) {
            return error("burst: expected a positive whole number, got " + RateLimitConfig.describe(burst));
        }
        try {
            Rate r = new Rate(rate.asLong(), unit, burst == null ? rate.asLong() : burst.asLong());
            return new PolicyRateLimit(AppliedLimit.of(EXPLICIT_LIMIT_NAME, r), key, null);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
    }

    private static boolean isPositiveWhole(JsonNode n) {
        return n.isNumber() && n.canConvertToExactIntegral() && n.canConvertToLong() && n.asLong() >= 1;
    }

    private static PolicyRateLimit error(String message) {
        return new PolicyRateLimit(null, null, "policy result rate_limit: " + message);
    }
}
