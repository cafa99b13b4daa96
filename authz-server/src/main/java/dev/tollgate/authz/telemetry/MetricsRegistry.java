package dev.tollgate.authz.telemetry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The metric sources served at {@code GET /metrics}. Sources are asked in registration order on
 * each scrape; adding a component's numbers is one {@code registry.register(source)} call.
 */
public final class MetricsRegistry {
    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<MetricSource> sources = new CopyOnWriteArrayList<>();

    public MetricsRegistry register(MetricSource source) {
        sources.add(source);
        return this;
    }

    /** Every source's families, in the text exposition format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(8192);
        MetricWriter writer = new MetricWriter(out);
        for (MetricSource source : sources) {
            source.collect(writer);
        }
        return out.toString();
    }
}
