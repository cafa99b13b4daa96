package dev.tollgate.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Gatling run of {@code HttpMixSimulation} in a JVM of its own (on this process's classpath,
 * which must hold the load-tests test classes and Gatling), read back from the assertion lines
 * Gatling prints for the measured group (the warm-up before it is left out). Gatling measures in
 * whole milliseconds.
 */
final class GatlingRun {
    static final String SIMULATION = "dev.tollgate.loadtest.HttpMixSimulation";
    private static final Pattern REPORT = Pattern.compile("please open the following file: file://(\\S+)");

    /** What a run measured: counts, whole-millisecond percentiles, and the HTML report when one was made. */
    record Result(double targetRate, long requests, long ok, long ko, double throughput, double p50Ms, double p99Ms,
                  double p999Ms, String report, String output) {
        boolean held(double p99ObjectiveMs) {
            return requests > 0 && ko == 0 && p99Ms <= p99ObjectiveMs && throughput >= 0.9 * targetRate;
        }
    }

    private GatlingRun() {
    }

    /**
     * Runs the mix at {@code rate} calls/s for {@code seconds} against {@code target}
     * ({@code http://host:port}); {@code baseline} accepts any non-5xx status (a no-op server allows
     * everything). Gatling prints its percentiles only with a report, so every run leaves its HTML
     * report under {@code resultsFolder}; {@code reports} says the caller wants it kept (others are deleted).
     */
    static Result run(String target, double rate, int seconds, double p99Ms, boolean baseline, boolean reports,
                      Path resultsFolder) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(ServerProcess.java());
        c.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xss4m",
                "-Dtarget=" + target, "-Drate=" + rate, "-Dduration=" + seconds, "-Dp99Ms=" + p99Ms,
                "-DanyStatus=" + baseline,
                "-cp", System.getProperty("java.class.path"), "io.gatling.app.Gatling",
                "--simulation", SIMULATION, "--results-folder", resultsFolder.toString(), "--launcher", "maven"));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("gatling did not finish");
        }
        String output = new String(bytes, StandardCharsets.UTF_8);
        Result r = parse(rate, output);
        // Gatling's "requests per second" spans the whole simulation, warm-up included.
        r = new Result(r.targetRate(), r.requests(), r.ok(), r.ko(), r.requests() / (double) seconds, r.p50Ms(),
                r.p99Ms(), r.p999Ms(), r.report(), r.output());
        if (!reports && r.report() != null) {
            PolicyCopies.delete(Path.of(r.report()).getParent());
        }
        return r;
    }

    /**
     * Reads the measured group's figures from Gatling's assertion lines, which print each actual
     * value ({@code measured: 99th percentile of response time is ... : true (actual : 3.0)}).
     */
    static Result parse(double rate, String output) throws IOException {
        double count = actual(output, "count of all events");
        double failed = actual(output, "count of failed events");
        if (Double.isNaN(count)) {
            throw new IOException("gatling printed no figures for the measured run; its output:\n" + output);
        }
        Matcher report = REPORT.matcher(output);
        long ko = Double.isNaN(failed) ? 0 : (long) failed;
        return new Result(rate, (long) count, (long) count - ko, ko, count,
                actual(output, "50th percentile of response time"), actual(output, "99th percentile of response time"),
                actual(output, "99.9th percentile of response time"), report.find() ? report.group(1) : null, output);
    }

    private static double actual(String output, String what) {
        Matcher m = Pattern.compile("^measured: " + Pattern.quote(what) + " .*\\(actual : ([0-9.,E-]+)\\)",
                Pattern.MULTILINE).matcher(output);
        return m.find() ? Double.parseDouble(m.group(1).replace(",", "")) : Double.NaN;
    }

    static String describe(Result r) {
        return String.format(Locale.ROOT, "p50 %4.0f ms  p99 %4.0f ms  p99.9 %4.0f ms  ok %d  ko %d  %.0f/s", r.p50Ms(),
                r.p99Ms(), r.p999Ms(), r.ok(), r.ko(), r.throughput());
    }
}
