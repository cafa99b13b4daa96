package dev.tollgate.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tollgate's own handler-time histogram ({@code tollgate_check_duration_seconds}, all tenants
 * summed) scraped from {@code /metrics}; the difference of two scrapes gives the checks in between.
 */
record ServerHistogram(TreeMap<Double, Long> cumulativeBuckets) {
    private static final Pattern BUCKET = Pattern.compile(
            "^tollgate_check_duration_seconds_bucket\\{.*le=\"([^\"]+)\".*} ([0-9.eE+]+)$", Pattern.MULTILINE);

    static ServerHistogram scrape(int adminPort) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + adminPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET /metrics answered " + r.statusCode());
            }
            return parse(r.body());
        }
    }

    static ServerHistogram parse(String metrics) {
        TreeMap<Double, Long> buckets = new TreeMap<>();
        Matcher m = BUCKET.matcher(metrics);
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.merge(le, (long) Double.parseDouble(m.group(2)), Long::sum);
        }
        return new ServerHistogram(buckets);
    }

    ServerHistogram minus(ServerHistogram earlier) {
        TreeMap<Double, Long> d = new TreeMap<>();
        for (Map.Entry<Double, Long> e : cumulativeBuckets.entrySet()) {
            d.put(e.getKey(), e.getValue() - earlier.cumulativeBuckets.getOrDefault(e.getKey(), 0L));
        }
        return new ServerHistogram(d);
    }

    long count() {
        return cumulativeBuckets.isEmpty() ? 0 : cumulativeBuckets.lastEntry().getValue();
    }

    /**
     * The quantile in seconds, interpolated linearly inside its bucket as Prometheus'
     * histogram_quantile does; NaN without observations.
     */
    double quantileSeconds(double q) {
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        long lowerCount = 0;
        for (Map.Entry<Double, Long> e : cumulativeBuckets.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return lowerBound;
                }
                long inBucket = e.getValue() - lowerCount;
                return inBucket == 0 ? e.getKey()
                        : lowerBound + (e.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return lowerBound;
    }
}
