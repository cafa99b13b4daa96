package dev.tollgate.authz.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP face of a {@link RateLimitResult}, as a pure function ({@link #of}).
 *
 * @param status          200 when the request proceeds (add {@code headers} to the upstream's
 *                        response, {@code response_headers_to_add}); otherwise the status of the
 *                        denied response (429 over limit, 503 counters unavailable, 500 policy error)
 * @param headers         lower-case header names in a stable order
 * @param dynamicMetadata for Envoy's {@code dynamic_metadata}: the limit and key that applied
 */
public record RateLimitResponse(int status, Map<String, String> headers, Map<String, String> dynamicMetadata) {

    public static final String LIMIT = "ratelimit-limit";
    public static final String REMAINING = "ratelimit-remaining";
    public static final String RESET = "ratelimit-reset";
    public static final String RETRY_AFTER = "retry-after";
    public static final String METADATA_LIMIT_NAME = "ratelimit_name";
    public static final String METADATA_KEY = "ratelimit_key";

    private static final RateLimitResponse PASS = new RateLimitResponse(200, Map.of(), Map.of());

    public RateLimitResponse {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        dynamicMetadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dynamicMetadata));
    }

    public boolean proceeds() {
        return status == 200;
    }

    public static RateLimitResponse of(RateLimitResult result) {
        return switch (result) {
            case RateLimitResult.Unlimited u -> PASS;
            case RateLimitResult.Allowed a -> new RateLimitResponse(200, Map.of(), Map.of(METADATA_LIMIT_NAME, a.limitName()));
            case RateLimitResult.AllowedWithBudget a -> new RateLimitResponse(200, headers(
                    LIMIT, a.limit(), REMAINING, a.remaining(), RESET, a.resetSeconds()), metadata(a.limitName(), a.key()));
            case RateLimitResult.OverLimit o -> new RateLimitResponse(429, headers(
                    LIMIT, o.limit(), REMAINING, 0, RESET, o.resetSeconds(), RETRY_AFTER, o.retryAfterSeconds()),
                    metadata(o.limitName(), o.key()));
            case RateLimitResult.CountersUnavailable c -> new RateLimitResponse(503, headers(RETRY_AFTER, 1),
                    metadata(c.limitName(), c.key()));
            case RateLimitResult.PolicyError p -> new RateLimitResponse(500, Map.of(), Map.of());
        };
    }

    private static Map<String, String> headers(Object... nameValues) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.put((String) nameValues[i], String.valueOf(nameValues[i + 1]));
        }
        return headers;
    }

    private static Map<String, String> metadata(String limitName, String key) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(METADATA_LIMIT_NAME, limitName);
        metadata.put(METADATA_KEY, key);
        return metadata;
    }
}
