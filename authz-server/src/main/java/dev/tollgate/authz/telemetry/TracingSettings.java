package dev.tollgate.authz.telemetry;

/**
 * {@code tracing.*}. The exporter, sampler, resource and propagation settings come from the
 * standard {@code OTEL_*} environment variables (or {@code otel.*} system properties) through the
 * OpenTelemetry SDK's autoconfiguration.
 *
 * @param includeCaller put the caller's SPIFFE ID on the check span
 */
public record TracingSettings(boolean enabled, boolean includeCaller) {
    public static final TracingSettings OFF = new TracingSettings(false, false);
}
