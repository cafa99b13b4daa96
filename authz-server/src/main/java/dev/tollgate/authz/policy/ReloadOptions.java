package dev.tollgate.authz.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How the policy directory is kept current.
 *
 * @param watch        react to file-system events (WatchService); the periodic check runs regardless
 * @param debounce     quiet time after the last event before reloading, so an editor's or a
 *                     ConfigMap's burst of writes becomes one reload
 * @param pollInterval how often every tenant's files are fingerprinted as a fallback for missed events
 */
public record ReloadOptions(boolean watch, Duration debounce, Duration pollInterval) {
    public static final ReloadOptions DEFAULTS = new ReloadOptions(true, Duration.ofMillis(500), Duration.ofSeconds(5));

    public ReloadOptions {
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce must not be negative");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
    }
}
