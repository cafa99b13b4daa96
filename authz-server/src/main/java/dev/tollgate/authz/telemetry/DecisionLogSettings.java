package dev.tollgate.authz.telemetry;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code decision_log:} in the server config.
 *
 * @param file          where lines go: empty for stdout; ignored when {@code enabled} is false
 * @param sampleAllowed fraction (0..1) of allowed decisions written; denies are always written
 * @param queueSize     decisions waiting for the writer; more are dropped (and counted), never waited for
 * @param includeInput  lines carry the (masked) input document
 * @param maskHeaders   request headers always erased from a logged input (any case)
 * @param maxFileBytes  the file rotates before it would grow past this; 0 never rotates
 * @param maxFiles      rotated files kept ({@code FILE.1} … {@code FILE.N})
 */
public record DecisionLogSettings(boolean enabled, Optional<Path> file, double sampleAllowed, int queueSize,
                                  boolean includeInput, List<String> maskHeaders, long maxFileBytes, int maxFiles) {
    public static final List<String> DEFAULT_MASK_HEADERS = List.of("authorization", "cookie", "proxy-authorization");
    public static final DecisionLogSettings OFF = new DecisionLogSettings(false, Optional.empty(), 1.0, 1);

    public DecisionLogSettings {
        if (!(sampleAllowed >= 0 && sampleAllowed <= 1)) {
            throw new IllegalArgumentException("sample_allowed must be from 0 to 1, got " + sampleAllowed);
        }
        if (queueSize < 1) {
            throw new IllegalArgumentException("queue_size must be positive, got " + queueSize);
        }
        if (maxFileBytes < 0) {
            throw new IllegalArgumentException("max_file_bytes must be 0 (no rotation) or positive, got "
                    + maxFileBytes);
        }
        if (maxFiles < 0) {
            throw new IllegalArgumentException("max_files must not be negative, got " + maxFiles);
        }
        maskHeaders = List.copyOf(maskHeaders);
    }

    /** Without the input document and without rotation. */
    public DecisionLogSettings(boolean enabled, Optional<Path> file, double sampleAllowed, int queueSize) {
        this(enabled, file, sampleAllowed, queueSize, false, DEFAULT_MASK_HEADERS, 0, 5);
    }

    /** Reads {@code output}: {@code off}, {@code stdout}, or a file path (appended to). */
    public static DecisionLogSettings of(String output, double sampleAllowed, int queueSize) {
        return switch (output) {
            case "off" -> new DecisionLogSettings(false, Optional.empty(), sampleAllowed, queueSize);
            case "stdout" -> new DecisionLogSettings(true, Optional.empty(), sampleAllowed, queueSize);
            default -> new DecisionLogSettings(true, Optional.of(Path.of(output)), sampleAllowed, queueSize);
        };
    }

    /** These settings with the input document logged (masked as given) or not. */
    public DecisionLogSettings withInput(boolean include, List<String> headers) {
        return new DecisionLogSettings(enabled, file, sampleAllowed, queueSize, include, headers, maxFileBytes,
                maxFiles);
    }

    /** These settings with size-based rotation of the file. */
    public DecisionLogSettings withRotation(long bytes, int files) {
        return new DecisionLogSettings(enabled, file, sampleAllowed, queueSize, includeInput, maskHeaders, bytes,
                files);
    }
}
