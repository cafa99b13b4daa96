package dev.tollgate.loadtest;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The capacity harness behind {@code load-tests/run}. It starts Tollgate on the shipped policies
 * and the no-op gRPC and HTTP baselines (pinned to the server CPUs when asked), warms them, then
 * for each protocol steps the arrival rate of the realistic call mix up until the p99 objective
 * breaks or errors appear (gRPC: the open-model driver; HTTP: Gatling), runs Tollgate at half the
 * gRPC baseline's capacity and at 1,000 checks/s (its own handler histogram, CPU per 1,000 checks),
 * and prints a summary table whose last line is
 * {@code capacity: grpc N/s (ratio R), http N/s (ratio R), p99 at half load X ms}.
 */
public final class Capacity {
    private final Settings s;
    private final PrintStream out;

    /** What a run does; {@code quick} is the under-ten-minutes form. */
    record Settings(Path repo, List<String> tollgateCommand, Path policies, String serverCpus, double p99Millis,
                    double warmupSeconds, double warmupRate, double stepSeconds, double startRate, double factor,
                    double maxRate, double halfLoadSeconds, int connections, double httpStartRate, int httpStepSeconds,
                    Path results, boolean sharedLimits) {

        static Settings of(Path repo, List<String> tollgateCommand, Path policies, String cpus, double p99Ms,
                           boolean quick) {
            Path results = repo.resolve("load-tests/target/gatling");
            return quick
                    ? new Settings(repo, tollgateCommand, policies, cpus, p99Ms, 15, 15_000, 4, 2_000, 1.5, 400_000, 8, 4,
                            1_000, 6, results, true)
                    : new Settings(repo, tollgateCommand, policies, cpus, p99Ms, 30, 15_000, 10, 2_000, 1.25, 400_000, 20,
                            4, 1_000, 10, results, true);
        }
    }

    Capacity(Settings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    private List<String> pinned(List<String> command) {
        if (s.serverCpus().isEmpty()) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("taskset", "-c", s.serverCpus()));
        c.addAll(command);
        return c;
    }

    private ServerProcess startTollgate(Path config) throws IOException {
        List<String> c = new ArrayList<>(s.tollgateCommand());
        c.addAll(ServerProcess.serveArgs(s.policies()));
        c.addAll(List.of("--config", config.toString()));
        return ServerProcess.start(pinned(c), "tollgate listening");
    }

    private ServerProcess startNoop(Class<?> main) throws IOException {
        List<String> c = new ArrayList<>(ServerProcess.java());
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), "--port", "0"));
        return ServerProcess.start(pinned(c), "noop listening");
    }

    /**
     * One row of the summary: the highest rate that held and the figures at that rate; when not even
     * the first step held, {@code heldRate} is 0 and the figures are that first step's, at
     * {@code firstRate}.
     */
    record Row(String target, String protocol, double heldRate, double p50Micros, double p99Micros,
               double p999Micros, long errors, double cpuMsPer1000, long peakRssBytes, double firstRate) {
        /** The rate column: the rate that held, or "< first step" with the p99 that broke it. */
        String rateText() {
            if (heldRate > 0) {
                return String.format(Locale.ROOT, "%.0f", heldRate);
            }
            return String.format(Locale.ROOT, "< %.0f", firstRate);
        }
    }

    /** Tollgate's own view at 1,000 checks/s: handler-time quantiles and CPU per 1,000 checks. */
    record HandlerTimes(double p50Micros, double p99Micros, double cpuMsPer1000) {
    }

    /** Everything the summary prints. */
    record Report(List<Row> rows, HandlerTimes handler, double p99HalfLoadMs, String gatlingReport,
                  String h2loadCrossCheck) {
        Row row(String target, String protocol) {
            return rows.stream().filter(r -> r.target().equals(target) && r.protocol().equals(protocol)).findFirst()
                    .orElse(null);
        }
    }

    Report run() throws Exception {
        List<CheckRequest> mix = new ArrayList<>();
        for (Call call : new CallMix().draw(42, 4096)) {
            mix.add(CallRequests.grpc(call));
        }
        Path config = Files.createTempFile("tollgate-capacity", ".yaml");
        // Behind Istio the sidecar sanitises x-forwarded-client-cert: HTTP mode reads identity from it.
        Files.writeString(config, "identity:\n  trust_xfcc: true\n");
        List<Row> rows = new ArrayList<>();
        HandlerTimes handler;
        double p99HalfLoadMs;
        String gatlingReport = null;
        String crossCheck;
        try (ServerProcess tollgate = startTollgate(config);
             ServerProcess noopGrpc = startNoop(NoopGrpcServer.class);
             ServerProcess noopHttp = startNoop(NoopHttpServer.class)) {
            out.printf(Locale.ROOT, "tollgate pid %d, no-op gRPC pid %d, no-op HTTP pid %d; servers on CPUs '%s'; "
                            + "p99 objective %.1f ms%n", tollgate.pid(), noopGrpc.pid(), noopHttp.pid(), s.serverCpus(),
                    s.p99Millis());
            CapacityProfile profile = new CapacityProfile(s.startRate(), s.factor(), s.maxRate(), s.p99Millis() * 1000);
            try (OpenModelGrpcDriver tg = new OpenModelGrpcDriver("127.0.0.1", tollgate.port("grpc"), s.connections());
                 OpenModelGrpcDriver nd = new OpenModelGrpcDriver("127.0.0.1", noopGrpc.port("grpc"), s.connections())) {
                out.printf(Locale.ROOT, "warming up: %.0f s at %.0f checks/s each%n", s.warmupSeconds(), s.warmupRate());
                tg.run(mix, s.warmupRate(), s.warmupSeconds());
                nd.run(mix, s.warmupRate(), s.warmupSeconds());
                rows.add(grpcProfile("tollgate", tollgate, tg, mix, profile));
                rows.add(grpcProfile("no-op", noopGrpc, nd, mix, profile));
                double half = Math.max(100, Math.round(rows.get(1).heldRate() / 2));
                LoadResult halfLoad = step("tollgate grpc at half the baseline's capacity", tg, mix, half,
                        s.halfLoadSeconds());
                p99HalfLoadMs = halfLoad.percentileMicros(99) / 1000;
                handler = handlerTimes(tollgate, tg, mix);
            }
            crossCheck = h2loadCrossCheck(tollgate, noopGrpc);
            if (tollgate.has("http")) {
                String target = "http://127.0.0.1:" + tollgate.port("http");
                rows.add(httpProfile("tollgate", tollgate, target, false));
                rows.add(httpProfile("no-op", noopHttp, "http://127.0.0.1:" + noopHttp.port("http"), true));
                double half = Math.max(100, Math.round(rows.getLast().heldRate() / 2));
                GatlingRun.Result r = GatlingRun.run(target, half, s.httpStepSeconds() * 2, s.p99Millis(), false, true,
                        s.results());
                out.printf(Locale.ROOT, "  %-46s %8.0f/s  %s%n", "tollgate http at half the baseline's capacity", half,
                        GatlingRun.describe(r));
                gatlingReport = r.report();
            } else {
                out.println("tollgate has no HTTP listener: the HTTP rows are skipped");
            }
        } finally {
            Files.deleteIfExists(config);
        }
        if (s.sharedLimits()) {
            Row shared = sharedLimitsRow(mix);
            if (shared != null) {
                rows.add(shared);
            }
        }
        Report report = new Report(rows, handler, p99HalfLoadMs, gatlingReport, crossCheck);
        print(report);
        return report;
    }

    /**
     * The same mix with bank-b's limits counted in Redis (a redis-server started here, pinned with the
     * servers), as replicas sharing budgets would run: what the shared counters cost.
     */
    private Row sharedLimitsRow(List<CheckRequest> mix) throws Exception {
        if (!RedisProcess.available()) {
            out.println("redis-server is not installed: the shared-limits row is skipped");
            return null;
        }
        Path policies = Files.createTempDirectory("tollgate-shared-limits");
        Path config = Files.createTempFile("tollgate-shared-limits", ".yaml");
        try (RedisProcess redis = RedisProcess.start(pinned(List.of()))) {
            PolicyCopies.copy(s.policies(), policies);
            PolicyCopies.useRedisCounters(policies.resolve("bank-b/tenant.yaml"));
            Files.writeString(config, "identity:\n  trust_xfcc: true\nrate_limits:\n  redis:\n    host: 127.0.0.1\n"
                    + "    port: " + redis.port() + "\n");
            List<String> c = new ArrayList<>(s.tollgateCommand());
            c.addAll(ServerProcess.serveArgs(policies));
            c.addAll(List.of("--config", config.toString()));
            try (ServerProcess tollgate = ServerProcess.start(pinned(c), "tollgate listening");
                 OpenModelGrpcDriver driver = new OpenModelGrpcDriver("127.0.0.1", tollgate.port("grpc"),
                         s.connections())) {
                out.printf(Locale.ROOT, "shared limits: tollgate pid %d with bank-b's counters in redis-server pid %d%n",
                        tollgate.pid(), redis.pid());
                driver.run(mix, s.warmupRate(), s.warmupSeconds() / 2);
                CapacityProfile profile = new CapacityProfile(s.startRate(), s.factor(), s.maxRate(),
                        s.p99Millis() * 1000);
                return grpcProfile("tg+redis", tollgate, driver, mix, profile);
            }
        } finally {
            Files.deleteIfExists(config);
            PolicyCopies.delete(policies);
        }
    }

    private String h2loadCrossCheck(ServerProcess tollgate, ServerProcess noop) throws Exception {
        if (!H2load.available()) {
            return "skipped, h2load is not installed (apt-get install nghttp2-client)";
        }
        CheckRequest allowed = CallRequests.grpc(new Call("service",
                CallMix.spiffe("istio-system", "istio-ingressgateway-service-account"), CallMix.spiffe("bank-a", "api-ms"),
                "GET", "/api/accounts/1", java.util.Map.of("x-request-id", "cross-check")));
        int seconds = (int) Math.max(2, s.stepSeconds());
        double t = H2load.saturated(tollgate.port("grpc"), allowed, 2, seconds).orElseThrow();
        double n = H2load.saturated(noop.port("grpc"), allowed, 2, seconds).orElseThrow();
        return String.format(Locale.ROOT, "tollgate %.0f/s, no-op %.0f/s, ratio %.2f", t, n, t / n);
    }

    private Row grpcProfile(String name, ServerProcess server, OpenModelGrpcDriver driver, List<CheckRequest> mix,
                            CapacityProfile profile) throws Exception {
        ProcessStats before = ProcessStats.of(server.pid());
        CapacityProfile.Outcome o = profile.run(rate -> step(name + " grpc", driver, mix, rate, s.stepSeconds()));
        ProcessStats after = ProcessStats.of(server.pid());
        long checks = o.steps().stream().mapToLong(LoadResult::completed).sum();
        LoadResult h = o.held() != null ? o.held() : o.steps().getFirst();
        return new Row(name, "grpc", o.heldRate(), h.percentileMicros(50), h.percentileMicros(99),
                h.percentileMicros(99.9), h.errors(), after.cpuMillisPer1000(before, checks), after.peakRssBytes(),
                o.steps().getFirst().targetRate());
    }

    private Row httpProfile(String name, ServerProcess server, String target, boolean baseline) throws Exception {
        ProcessStats before = ProcessStats.of(server.pid());
        GatlingRun.Result held = null;
        GatlingRun.Result first = null;
        long checks = 0;
        for (double rate = s.httpStartRate(); rate <= s.maxRate(); rate *= 2) {
            GatlingRun.Result r = GatlingRun.run(target, rate, s.httpStepSeconds(), s.p99Millis(), baseline, false,
                    s.results());
            checks += r.requests();
            first = first == null ? r : first;
            out.printf(Locale.ROOT, "  %-46s %8.0f/s  %s%n", name + " http (gatling)", rate, GatlingRun.describe(r));
            if (!r.held(s.p99Millis())) {
                break;
            }
            held = r;
        }
        ProcessStats after = ProcessStats.of(server.pid());
        GatlingRun.Result shown = held != null ? held : first;
        return new Row(name, "http", held == null ? 0 : held.targetRate(),
                shown == null ? Double.NaN : shown.p50Ms() * 1000, shown == null ? Double.NaN : shown.p99Ms() * 1000,
                shown == null ? Double.NaN : shown.p999Ms() * 1000, shown == null ? 0 : shown.ko(),
                after.cpuMillisPer1000(before, checks), after.peakRssBytes(), s.httpStartRate());
    }

    private LoadResult step(String label, OpenModelGrpcDriver driver, List<CheckRequest> mix, double rate,
                            double seconds) throws InterruptedException {
        LoadResult r = driver.run(mix, rate, seconds);
        out.printf(Locale.ROOT, "  %-46s %8.0f/s  p50 %7.0f µs  p99 %7.0f µs  p99.9 %8.0f µs  errors %d%s%n", label,
                rate, r.percentileMicros(50), r.percentileMicros(99), r.percentileMicros(99.9), r.errors(),
                r.driverLimited() ? "  (driver could not keep the schedule)" : "");
        return r;
    }

    private HandlerTimes handlerTimes(ServerProcess tollgate, OpenModelGrpcDriver driver, List<CheckRequest> mix)
            throws Exception {
        ServerHistogram h0 = ServerHistogram.scrape(tollgate.port("admin"));
        ProcessStats s0 = ProcessStats.of(tollgate.pid());
        LoadResult r = step("tollgate grpc at 1,000 checks/s", driver, mix, 1000, s.halfLoadSeconds());
        ProcessStats s1 = ProcessStats.of(tollgate.pid());
        ServerHistogram d = ServerHistogram.scrape(tollgate.port("admin")).minus(h0);
        return new HandlerTimes(d.quantileSeconds(0.5) * 1e6, d.quantileSeconds(0.99) * 1e6,
                s1.cpuMillisPer1000(s0, r.completed()));
    }

    private void print(Report report) {
        out.println();
        out.printf(Locale.ROOT, "| %-8s | %-5s | %-15s | %8s | %8s | %9s | %6s | %11s | %8s | %5s |%n", "target",
                "proto", "rate held (/s)", "p50 µs", "p99 µs", "p99.9 µs", "errors", "CPU ms / 1k", "peak RSS", "ratio");
        out.println("|----------|-------|-----------------|----------|----------|-----------|--------|-------------|----------|-------|");
        for (Row row : report.rows()) {
            Row base = report.row("no-op", row.protocol());
            String ratio = base == null || base.heldRate() == 0 || row.heldRate() == 0 ? "-"
                    : String.format(Locale.ROOT, "%.2f", row.heldRate() / base.heldRate());
            out.printf(Locale.ROOT, "| %-8s | %-5s | %15s | %8.0f | %8.0f | %9.0f | %6d | %11.1f | %4d MiB | %5s |%n",
                    row.target(), row.protocol(),
                    row.rateText(),
                    row.p50Micros(), row.p99Micros(), row.p999Micros(), row.errors(), row.cpuMsPer1000(),
                    row.peakRssBytes() >> 20, ratio);
        }
        HandlerTimes h = report.handler();
        out.printf(Locale.ROOT, "%nhandler time at 1,000 checks/s (tollgate_check_duration_seconds): p50 %.0f µs, "
                        + "p99 %.0f µs; CPU %.1f ms per 1,000 checks (%.3f cores per 1,000 checks/s)%n", h.p50Micros(),
                h.p99Micros(), h.cpuMsPer1000(), h.cpuMsPer1000() / 1000);
        out.println("h2load cross-check (one allowed call, saturated, 4 connections × 16 streams): "
                + report.h2loadCrossCheck());
        if (report.gatlingReport() != null) {
            out.println("gatling report (HTTP at half load): " + report.gatlingReport());
        }
        out.println(summaryLine(report));
    }

    static String summaryLine(Report report) {
        return String.format(Locale.ROOT, "capacity: grpc %s, http %s, p99 at half load %.2f ms",
                rate(report, "grpc"), rate(report, "http"), report.p99HalfLoadMs());
    }

    private static String rate(Report report, String protocol) {
        Row t = report.row("tollgate", protocol);
        Row b = report.row("no-op", protocol);
        if (t == null) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.0f/s (ratio %s)", t.heldRate(),
                b == null || b.heldRate() == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", t.heldRate() / b.heldRate()));
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(".").toAbsolutePath().normalize();
        boolean quick = false;
        List<String> command = null;
        Path policies = null;
        String cpus = "";
        // The stepping objective: p99 ≤ 5 ms end to end. On a 2-core machine with server and load each
        // on one core, the no-op baseline itself shows ~1 ms p99 at low rates (GC, scheduling).
        double p99 = 5.0;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.equals("--quick") && i + 1 >= args.length) {
                    throw new IllegalArgumentException("option '" + a + "' needs a value");
                }
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--tollgate" -> command = List.of(Path.of(args[++i]).toAbsolutePath().toString());
                    case "--jar" -> command = ServerProcess.tollgateJar(Path.of(args[++i]).toAbsolutePath());
                    case "--policies" -> policies = Path.of(args[++i]).toAbsolutePath();
                    case "--server-cpus" -> cpus = args[++i];
                    case "--p99-ms" -> p99 = Double.parseDouble(args[++i]);
                    case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                    default -> throw new IllegalArgumentException("unknown option '" + a + "' (options: --quick, "
                            + "--tollgate LAUNCHER | --jar JAR, --policies DIR, --server-cpus LIST, --p99-ms MS)");
                }
            }
            if (command == null) {
                command = ServerProcess.tollgateJar(repo.resolve("authz-server/target/tollgate.jar"));
            }
            if (policies == null) {
                policies = repo.resolve("policies");
            }
            if (!Files.isDirectory(policies)) {
                throw new IllegalArgumentException("policy directory " + policies + " does not exist");
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("capacity: " + e.getMessage());
            System.exit(2);
            return;
        }
        long t0 = System.nanoTime();
        new Capacity(Settings.of(repo, command, policies, cpus, p99, quick), System.out).run();
        System.err.printf(Locale.ROOT, "capacity: finished in %d s%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
    }
}
