package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitResponseTest {
    @Test
    void overLimitIs429WithDraftHeadersAndTheKeyInMetadata() {
        var http = RateLimitResponse.of(new RateLimitResult.OverLimit("transfers", "spiffe://a/ns/p/sa/x", 40, 12, 3));
        assertEquals(429, http.status());
        assertFalse(http.proceeds());
        assertEquals(List.of("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"),
                List.copyOf(http.headers().keySet()));
        assertEquals(Map.of("ratelimit-limit", "40", "ratelimit-remaining", "0", "ratelimit-reset", "12", "retry-after", "3"),
                http.headers());
        assertEquals(Map.of("ratelimit_name", "transfers", "ratelimit_key", "spiffe://a/ns/p/sa/x"), http.dynamicMetadata());
    }

    @Test
    void allowedWithBudgetCarriesRemainingHeaders() {
        var http = RateLimitResponse.of(new RateLimitResult.AllowedWithBudget("default", "k", 10, 7, 1));
        assertEquals(200, http.status());
        assertTrue(http.proceeds());
        assertEquals(Map.of("ratelimit-limit", "10", "ratelimit-remaining", "7", "ratelimit-reset", "1"), http.headers());
    }

    @Test
    void quietAllowedAndUnlimitedAddNoHeaders() {
        assertEquals(Map.of(), RateLimitResponse.of(new RateLimitResult.Allowed("default", 10)).headers());
        assertEquals(new RateLimitResponse(200, Map.of(), Map.of()), RateLimitResponse.of(RateLimitResult.Unlimited.INSTANCE));
    }

    @Test
    void unavailableCountersAre503() {
        var http = RateLimitResponse.of(new RateLimitResult.CountersUnavailable("default", "k", "redis circuit breaker is open"));
        assertEquals(503, http.status());
        assertEquals(Map.of("retry-after", "1"), http.headers());
    }
}
