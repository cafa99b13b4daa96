package dev.tollgate.authz.telemetry;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): one {@link #family} header, then
 * that family's samples. Names and label names are checked, label values and help text escaped,
 * and a family name may appear only once per scrape.
 */
public final class MetricWriter {
    /** The metric types of the text format. */
    public enum Type {
        COUNTER("counter"), GAUGE("gauge"), HISTOGRAM("histogram");

        private final String text;

        Type(String text) {
            this.text = text;
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out;
    private final Set<String> families = new HashSet<>();
    private String family;

    MetricWriter(StringBuilder out) {
        this.out = out;
    }

    /** Starts a family: its {@code # HELP} and {@code # TYPE} lines. */
    public MetricWriter family(String name, Type type, String help) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + name + "'");
        }
        if (!families.add(name)) {
            throw new IllegalStateException("metric family " + name + " written twice");
        }
        family = name;
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type.text).append('\n');
        return this;
    }

    /** A family of one unlabelled sample (a server-wide counter or gauge). */
    public MetricWriter single(String name, Type type, String help, double value) {
        return family(name, type, help).sample(value);
    }

    /** One sample of the current family; {@code labels} alternate name, value. */
    public MetricWriter sample(double value, String... labels) {
        return sampleNamed(family, value, labels);
    }

    /** A sample whose name extends the family's ({@code _bucket}, {@code _sum}, {@code _count}). */
    public MetricWriter sampleNamed(String name, double value, String... labels) {
        if (family == null || !name.startsWith(family)) {
            throw new IllegalStateException("sample " + name + " outside its family (current: " + family + ")");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels must be name/value pairs: " + String.join(",", labels));
        }
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                    throw new IllegalArgumentException("invalid label name '" + labels[i] + "'");
                }
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1] == null ? "" : labels[i + 1], true);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private void escape(String text, boolean quote) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quote ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
