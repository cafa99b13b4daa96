package dev.tollgate.authz.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How much one evaluation may do, and what it may reach outside the process. From {@code tenant.yaml}.
 *
 * @param maxSteps              evaluation steps before the check fails ({@code eval_cancel_error})
 * @param timeout               wall-clock time before the check fails
 * @param httpSendAllowedHosts  hosts {@code http.send} may call; empty keeps {@code http.send} disabled
 */
public record EvalSettings(long maxSteps, Duration timeout, Set<String> httpSendAllowedHosts) {
    /** A budget for a Check: far more than a real authorization policy needs, far less than a hang. */
    public static final EvalSettings DEFAULTS = new EvalSettings(1_000_000L, Duration.ofSeconds(1), Set.of());

    public EvalSettings {
        Objects.requireNonNull(timeout, "timeout");
        httpSendAllowedHosts = Set.copyOf(httpSendAllowedHosts);
        if (maxSteps <= 0) {
            throw new IllegalArgumentException("maxSteps must be positive");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public boolean httpSendEnabled() {
        return !httpSendAllowedHosts.isEmpty();
    }
}
