package dev.tollgate.authz.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Where shared counters live and how hard to try. Server-wide (one Redis for every tenant that says
 * {@code counters: redis}).
 *
 * @param timeout             the most a check waits for Redis, connection and script together
 * @param keyPrefix           prefix of every bucket key, so replicas of one deployment share keys
 * @param breakerWindow       calls the circuit breaker looks back over
 * @param breakerMinimumCalls calls before it may open
 * @param breakerFailureRate  failure percentage (1–100) at which it opens
 * @param breakerOpenFor      how long it stays open before letting trial calls through
 * @param reconnectDelay      pause between reconnection attempts while Redis is gone
 */
public record RedisSettings(String host, int port, Duration timeout, String keyPrefix, int breakerWindow,
                            int breakerMinimumCalls, int breakerFailureRate, Duration breakerOpenFor,
                            Duration reconnectDelay) {

    private static final Set<String> KEYS = Set.of("host", "port", "timeout_ms", "key_prefix", "breaker_window",
            "breaker_minimum_calls", "breaker_failure_rate", "breaker_open_ms", "reconnect_delay_ms");

    public RedisSettings {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host is required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (breakerFailureRate < 1 || breakerFailureRate > 100) {
            throw new IllegalArgumentException("breaker failure rate must be 1..100, got " + breakerFailureRate);
        }
        if (breakerWindow < 1 || breakerMinimumCalls < 1) {
            throw new IllegalArgumentException("breaker window and minimum calls must be positive");
        }
    }

    /** Defaults: 50 ms timeout, breaker over 20 calls opening at 50% failures after 5 calls, open 2 s, reconnect every 500 ms. */
    public static RedisSettings of(String host, int port) {
        return new RedisSettings(host, port, Duration.ofMillis(50), "tollgate:rl:", 20, 5, 50, Duration.ofSeconds(2),
                Duration.ofMillis(500));
    }

    public RedisSettings withTimeout(Duration t) {
        return new RedisSettings(host, port, t, keyPrefix, breakerWindow, breakerMinimumCalls, breakerFailureRate,
                breakerOpenFor, reconnectDelay);
    }

    public RedisSettings withBreaker(int window, int minimumCalls, int failureRate, Duration openFor) {
        return new RedisSettings(host, port, timeout, keyPrefix, window, minimumCalls, failureRate, openFor,
                reconnectDelay);
    }

    public RedisSettings withReconnectDelay(Duration delay) {
        return new RedisSettings(host, port, timeout, keyPrefix, breakerWindow, breakerMinimumCalls, breakerFailureRate,
                breakerOpenFor, delay);
    }

    /**
     * Reads a server config section such as
     * {@code {host: redis.tollgate, port: 6379, timeout_ms: 50, breaker_open_ms: 2000}}; only
     * {@code host} is required.
     */
    public static RedisSettings parse(JsonNode node, String source) throws RateLimitConfigException {
        List<String> problems = new ArrayList<>();
        String at = source + ": redis";
        if (node == null || !node.isObject()) {
            throw new RateLimitConfigException(List.of(at + ": expected a mapping with at least host, got "
                    + RateLimitConfig.describe(node)));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                problems.add(at + "." + key + ": unknown key; expected one of " + KEYS.stream().sorted().toList());
            }
        }
        JsonNode hostNode = node.get("host");
        String host = hostNode != null && hostNode.isTextual() && !hostNode.textValue().isEmpty() ? hostNode.textValue() : null;
        if (host == null) {
            problems.add(at + ".host: expected a host name, got " + RateLimitConfig.describe(hostNode));
        }
        RedisSettings d = of("localhost", 6379);
        int port = (int) number(node, "port", d.port(), 1, 65535, at, problems);
        long timeoutMs = number(node, "timeout_ms", d.timeout().toMillis(), 1, 60_000, at, problems);
        long window = number(node, "breaker_window", d.breakerWindow(), 1, 10_000, at, problems);
        long minimum = number(node, "breaker_minimum_calls", d.breakerMinimumCalls(), 1, 10_000, at, problems);
        long rate = number(node, "breaker_failure_rate", d.breakerFailureRate(), 1, 100, at, problems);
        long openMs = number(node, "breaker_open_ms", d.breakerOpenFor().toMillis(), 1, 3_600_000, at, problems);
        long reconnectMs = number(node, "reconnect_delay_ms", d.reconnectDelay().toMillis(), 1, 3_600_000, at, problems);
        String prefix = d.keyPrefix();
        JsonNode prefixNode = node.get("key_prefix");
        if (prefixNode != null) {
            if (prefixNode.isTextual()) {
                prefix = prefixNode.textValue();
            } else {
                problems.add(at + ".key_prefix: expected a string, got " + RateLimitConfig.describe(prefixNode));
            }
        }
        if (!problems.isEmpty()) {
            throw new RateLimitConfigException(problems);
        }
        return new RedisSettings(host, port, Duration.ofMillis(timeoutMs), prefix, (int) window, (int) minimum,
                (int) rate, Duration.ofMillis(openMs), Duration.ofMillis(reconnectMs));
    }

    private static long number(JsonNode node, String key, long fallback, long min, long max, String at,
                               List<String> problems) {
        JsonNode value = node.get(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber() || !value.canConvertToExactIntegral() || value.asLong() < min || value.asLong() > max) {
            problems.add(at + "." + key + ": expected a whole number from " + min + " to " + max + ", got "
                    + RateLimitConfig.describe(value));
            return fallback;
        }
        return value.asLong();
    }
}
