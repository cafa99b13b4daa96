package dev.tollgate.authz.ratelimit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Token buckets shared by all replicas, in Redis. One Lua script does the whole bucket update
 * atomically, taking the time from Redis ({@code TIME}) so that replicas with skewed clocks agree.
 * The script is the same one-word algorithm as {@link Gcra}, in microseconds; the key holds the
 * bucket's theoretical arrival time and expires when the bucket would be full again (an absent key
 * is a full bucket), so Redis memory follows active callers only.
 *
 * <p>Every call has one deadline ({@link RedisSettings#timeout()}) covering EVALSHA and, after a
 * Redis restart emptied the script cache, the EVAL retry. Commands are rejected at once while the
 * connection is down (Lettuce reconnects in the background), and a resilience4j circuit breaker
 * stops calling while Redis keeps failing; its half-open trial calls bring it back by itself.
 */
final class RedisCounters implements AutoCloseable {

    static final String SCRIPT = """
            local interval = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            if tat < now then tat = now end
            local d = tat - now + interval
            if d <= window then
              redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX', string.format('%.0f', math.ceil(d / 1000)))
            end
            return d
            """;
    static final String SCRIPT_SHA = sha1(SCRIPT);

    /** Thrown (without a stack trace) when Redis gave no usable answer in time. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        private final boolean attempted;

        Unavailable(String reason) {
            this(reason, true);
        }

        Unavailable(String reason, boolean attempted) {
            super(reason, null, false, false);
            this.attempted = attempted;
        }

        /** False when no call was made because the circuit breaker is open. */
        boolean attempted() {
            return attempted;
        }
    }

    private final RedisSettings settings;
    private final long timeoutNanos;
    private final ClientResources resources;
    private final RedisClient client;
    private final CircuitBreaker breaker;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long nextConnectAttempt;
    private volatile boolean closed;

    RedisCounters(RedisSettings settings) {
        this.settings = settings;
        this.timeoutNanos = settings.timeout().toNanos();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.constant(settings.reconnectDelay()))
                .build();
        this.client = RedisClient.create(resources, RedisURI.builder()
                .withHost(settings.host()).withPort(settings.port()).withTimeout(settings.timeout()).build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.timeout()).build())
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .build());
        this.breaker = CircuitBreaker.of("tollgate-ratelimit-redis", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerMinimumCalls())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
        // Give the first connection one timeout to come up so a healthy Redis is used from the
        // first check; if it does not, checks fall back until the background attempt succeeds.
        var first = startConnecting();
        if (first != null) {
            try {
                first.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // not up yet: retried in the background at the reconnect delay
            }
        }
    }

    /**
     * Takes one token from {@code key}; returns the bucket's {@code d} in microseconds (see
     * {@link Gcra#acquire}): admitted iff {@code d <= windowMicros}.
     */
    long acquireMicros(String key, long intervalMicros, long windowMicros) throws Unavailable {
        if (!breaker.tryAcquirePermission()) {
            throw new Unavailable("redis circuit breaker is open", false);
        }
        long start = System.nanoTime();
        try {
            StatefulRedisConnection<String, String> c = connection;
            if (c == null) {
                startConnecting();
                throw new Unavailable("not connected to redis at " + settings.host() + ":" + settings.port());
            }
            long deadline = start + timeoutNanos;
            String[] keys = {key};
            String interval = Long.toString(intervalMicros);
            String window = Long.toString(windowMicros);
            long d;
            try {
                d = await(c.async().<Long>evalsha(SCRIPT_SHA, ScriptOutputType.INTEGER, keys, interval, window), deadline);
            } catch (NoScript e) {
                d = await(c.async().<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, interval, window), deadline);
            }
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return d;
        } catch (Unavailable e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw e;
        } catch (NoScript e) {
            Unavailable u = new Unavailable("redis lost the rate limit script twice");
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, u);
            throw u;
        } catch (RuntimeException e) {
            Unavailable u = new Unavailable("redis error: " + e.getMessage());
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, u);
            throw u;
        }
    }

    private static final class NoScript extends Exception {
        private static final long serialVersionUID = 1L;

        NoScript() {
            super(null, null, false, false);
        }
    }

    private long await(RedisFuture<Long> future, long deadline) throws Unavailable, NoScript {
        try {
            Long value = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (value == null) {
                throw new Unavailable("redis returned no value for the rate limit script");
            }
            return value;
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new Unavailable("redis did not answer within " + settings.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisNoScriptException) {
                throw new NoScript();
            }
            throw new Unavailable("redis error: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for redis");
        }
    }

    /**
     * The first connection is made in the background and retried at the reconnect delay; once
     * connected, Lettuce itself reconnects after Redis restarts.
     */
    private java.util.concurrent.CompletableFuture<?> startConnecting() {
        if (closed || connection != null || System.nanoTime() - nextConnectAttempt < 0 || !connecting.compareAndSet(false, true)) {
            return null;
        }
        nextConnectAttempt = System.nanoTime() + settings.reconnectDelay().toNanos();
        return client.connectAsync(StringCodec.UTF8, RedisURI.builder().withHost(settings.host()).withPort(settings.port())
                        .withTimeout(settings.timeout()).build())
                .whenComplete((c, error) -> {
                    if (c != null) {
                        if (closed) {
                            c.closeAsync();
                        } else {
                            connection = c;
                        }
                    }
                    connecting.set(false);
                }).toCompletableFuture();
    }

    String breakerState() {
        return breaker.getState().name();
    }

    RedisSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        closed = true;
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the Java platform", e);
        }
    }
}
