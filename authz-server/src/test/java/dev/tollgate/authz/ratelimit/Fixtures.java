package dev.tollgate.authz.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

final class Fixtures {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A clock that moves only when told to. */
    static final class FakeTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }

        void advanceNanos(long n) {
            nanos.addAndGet(n);
        }
    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the {@code rate_limits} section of a tenant.yaml text. */
    static TenantRateLimits tenantYaml(String tenantYaml) throws RateLimitConfigException {
        return RateLimitConfig.parse(yaml(tenantYaml).get("rate_limits"), "tenant.yaml");
    }

    static RateLimiter limiter(Ticker ticker, String tenantYaml) throws RateLimitConfigException {
        return RateLimiter.builder().ticker(ticker).tenant("bank-a", tenantYaml(tenantYaml)).build();
    }

    /** A Kubernetes-shaped caller. */
    static Caller k8s(String trustDomain, String namespace, String serviceAccount) {
        return new Caller("spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount, trustDomain,
                namespace, serviceAccount);
    }
}
