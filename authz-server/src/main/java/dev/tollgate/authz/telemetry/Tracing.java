package dev.tollgate.authz.telemetry;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK when {@code tracing.enabled}, configured the SDK's own way: the standard
 * {@code OTEL_*} environment variables and {@code otel.*} system properties (exporter, endpoint,
 * sampler, resource). Tollgate only sets defaults: service name {@code tollgate}, no metrics or
 * log export (metrics are Prometheus, on the admin port). {@link #OFF} holds nothing.
 */
public final class Tracing implements AutoCloseable {
    /** Instrumentation scope of Tollgate's spans. */
    public static final String SCOPE = "dev.tollgate.authz";
    public static final Tracing OFF = new Tracing(null, null, false);

    // Parents come from W3C trace context or B3 (single b3 header or x-b3-*); W3C wins when both are sent.
    private static final TextMapPropagator PARENTS = TextMapPropagator.composite(
            B3Propagator.injectingSingleHeader(), W3CTraceContextPropagator.getInstance());

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final boolean includeCaller;

    private Tracing(OpenTelemetrySdk sdk, Tracer tracer, boolean includeCaller) {
        this.sdk = sdk;
        this.tracer = tracer;
        this.includeCaller = includeCaller;
    }

    /** {@link #OFF} unless enabled; otherwise the SDK from the environment. */
    public static Tracing start(TracingSettings settings) {
        return start(settings, Map.of());
    }

    /**
     * @param defaults {@code otel.*} properties used where the environment and system properties
     *                 say nothing (tests point the exporter at their receiver this way)
     * @throws IllegalArgumentException when the OTEL_* settings are invalid
     */
    public static Tracing start(TracingSettings settings, Map<String, String> defaults) {
        if (!settings.enabled()) {
            return OFF;
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("otel.service.name", "tollgate");
        props.put("otel.metrics.exporter", "none");
        props.put("otel.logs.exporter", "none");
        props.putAll(defaults);
        OpenTelemetrySdk sdk;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> props)
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tracing: OpenTelemetry configuration is invalid: " + e.getMessage(), e);
        }
        Tracer tracer = sdk.getTracer(SCOPE);
        // With every exporter set to none the SDK hands out a no-op tracer: its spans would only
        // echo the caller's span id, so the decision log would name a span Tollgate never made.
        if (!tracer.spanBuilder("tollgate.probe").setParent(Context.root()).startSpan().getSpanContext().isValid()) {
            System.getLogger(Tracing.class.getName()).log(System.Logger.Level.WARNING,
                    "tracing.enabled is true but the OpenTelemetry SDK records nothing (OTEL_TRACES_EXPORTER=none?);"
                            + " tracing is off");
            sdk.shutdown().join(10, TimeUnit.SECONDS);
            return OFF;
        }
        return new Tracing(sdk, tracer, settings.includeCaller());
    }

    /** Tracing on an SDK built by the caller (benchmarks); closed with the returned object. */
    public static Tracing of(OpenTelemetrySdk sdk, boolean includeCaller) {
        return new Tracing(sdk, sdk.getTracer(SCOPE), includeCaller);
    }

    public boolean enabled() {
        return sdk != null;
    }

    /** Tollgate's tracer; only when {@link #enabled()}. */
    public Tracer tracer() {
        return tracer;
    }

    public boolean includeCaller() {
        return includeCaller;
    }

    /** Finds a parent span context in request headers: W3C {@code traceparent}/{@code tracestate} or B3. */
    public static TextMapPropagator parentPropagator() {
        return PARENTS;
    }

    /** Exports what has ended so far (waits up to 10 s). */
    public void flush() {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        }
    }

    /** Exports what is pending and stops the SDK. */
    @Override
    public void close() {
        if (sdk != null) {
            CompletableResultCode done = sdk.shutdown();
            done.join(10, TimeUnit.SECONDS);
        }
    }
}
