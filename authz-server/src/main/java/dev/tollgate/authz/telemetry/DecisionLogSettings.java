package dev.tollgate.authz.telemetry;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code decision_log:} in the server config.
 *
 * @param file          where lines go: empty for stdout; ignored when {@code enabled} is false
 * @param sampleAllowed fraction (0..1) of allowed decisions written; denies are always written
 * @param queueSize     decisions waiting for the writer; more are dropped (and counted), never waited for
 */
public record DecisionLogSettings(boolean enabled, Optional<Path> file, double sampleAllowed, int queueSize) {
    public static final DecisionLogSettings OFF = new DecisionLogSettings(false, Optional.empty(), 1.0, 1);

    public DecisionLogSettings {
        if (!(sampleAllowed >= 0 && sampleAllowed <= 1)) {
            throw new IllegalArgumentException("sample_allowed must be from 0 to 1, got " + sampleAllowed);
        }
        if (queueSize < 1) {
            throw new IllegalArgumentException("queue_size must be positive, got " + queueSize);
        }
    }

    /** Reads {@code output}: {@code off}, {@code stdout}, or a file path (appended to). */
    public static DecisionLogSettings of(String output, double sampleAllowed, int queueSize) {
        return switch (output) {
            case "off" -> new DecisionLogSettings(false, Optional.empty(), sampleAllowed, queueSize);
            case "stdout" -> new DecisionLogSettings(true, Optional.empty(), sampleAllowed, queueSize);
            default -> new DecisionLogSettings(true, Optional.of(Path.of(output)), sampleAllowed, queueSize);
        };
    }
}
