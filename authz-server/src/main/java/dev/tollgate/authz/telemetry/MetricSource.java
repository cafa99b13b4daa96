package dev.tollgate.authz.telemetry;

/**
 * Anything that has numbers to export. Called on every scrape (off the Check path), so it reads
 * current values and writes them; it keeps no state of its own for exposition. Register one with
 * {@link MetricsRegistry#register}.
 */
@FunctionalInterface
public interface MetricSource {
    void collect(MetricWriter out);
}
