package dev.tollgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The realistic call mix ({@link CallMix}) against Tollgate's HTTP ext_authz listener, open model:
 * calls arrive at {@code rate} per second for {@code duration} seconds whatever the server does.
 * Each call is the request Envoy's HTTP ext_authz filter sends: the original method and path,
 * the request headers, and the {@code x-forwarded-client-cert} element of the local proxy naming
 * the caller ({@code URI=}) and the destination workload ({@code By=}). A call is OK when its
 * status is one its kind may get (an allow, or the deny the shipped policies give that kind);
 * anything else, a 5xx or a transport failure is KO.
 *
 * <p>System properties: {@code target} (default {@code http://127.0.0.1:9192}), {@code rate}
 * (calls/s, default 200), {@code duration} (s, default 10), {@code p99Ms} (assertion, default 1),
 * {@code maxFailedPercent} (assertion, default 0), {@code anyStatus} (true for a baseline that
 * allows everything), {@code warmUp} (s of the same mix before the measured run, default 3).
 */
public class HttpMixSimulation extends Simulation {
    static final Map<String, List<Integer>> STATUSES_BY_KIND = Map.of(
            "service", List.of(200, 429), // allowed; transfers over bank-b's per-caller limit are 429
            "tail_workload", List.of(403),
            "forbidden_route", List.of(403),
            "no_identity", List.of(401),
            "invalid_identity", List.of(401),
            "unknown_tenant", List.of(403));

    private final String target = System.getProperty("target", "http://127.0.0.1:9192");
    private final double rate = Double.parseDouble(System.getProperty("rate", "200"));
    private final int duration = Integer.parseInt(System.getProperty("duration", "10"));
    private final double p99Ms = Double.parseDouble(System.getProperty("p99Ms", "1"));
    private final double maxFailedPercent = Double.parseDouble(System.getProperty("maxFailedPercent", "0"));
    private final boolean anyStatus = Boolean.parseBoolean(System.getProperty("anyStatus", "false"));
    private final int warmUpSeconds = Integer.parseInt(System.getProperty("warmUp", "3"));
    static final String WARM_UP = "warm-up";
    static final String MEASURED = "measured";

    static Map<String, Object> session(Call call) {
        String xfcc = "By=" + call.destination() + (call.source() == null ? "" : ";URI=" + call.source());
        return Map.of("kind", call.kind(), "method", call.method(), "path", call.path(),
                "headers", Map.<String, Object>copyOf(call.headers()), "xfcc", xfcc,
                "statuses", STATUSES_BY_KIND.get(call.kind()));
    }

    private static Iterator<Map<String, Object>> feeder() {
        List<Call> calls = new CallMix().draw(7, 4096);
        return Stream.generate(new Supplier<Map<String, Object>>() {
            private int next;

            @Override
            public Map<String, Object> get() {
                return session(calls.get(next++ % calls.size()));
            }
        }).iterator();
    }

    {
        HttpProtocolBuilder protocol = http.baseUrl(target)
                .shareConnections()
                .disableCaching()
                .disableFollowRedirect()
                .disableWarmUp();
        // The same mix twice: a warm-up (Gatling's own JVM is cold for its first seconds, which would
        // dominate a p99), then the measured run; reports and assertions read the "measured" group.
        ScenarioBuilder warmUp = scenario("warm-up").feed(feeder()).group(WARM_UP).on(exec(call()));
        ScenarioBuilder mix = scenario("ext_authz HTTP mix").feed(feeder()).group(MEASURED).on(exec(call()));
        setUp(warmUp.injectOpen(constantUsersPerSec(rate).during(warmUpSeconds))
                .andThen(mix.injectOpen(constantUsersPerSec(rate).during(duration))))
                .protocols(protocol)
                .assertions(
                        details(MEASURED).allRequests().count().gte(0L),
                        details(MEASURED).failedRequests().count().lte((long) Math.floor(maxFailedPercent / 100 * rate * duration)),
                        details(MEASURED).responseTime().percentile(50.0).gte(0),
                        details(MEASURED).responseTime().percentile(99.0).lte((int) Math.ceil(p99Ms)),
                        details(MEASURED).responseTime().percentile(99.9).lte((int) Math.ceil(10 * p99Ms)));
    }

    private io.gatling.javaapi.http.HttpRequestActionBuilder call() {
        return http("#{kind}")
                .httpRequest("#{method}", "#{path}")
                .headers(Map.of("x-forwarded-client-cert", "#{xfcc}"))
                .header("x-request-id", session -> String.valueOf(session.getMap("headers").get("x-request-id")))
                .header("user-agent", "tollgate-load/1")
                .check(anyStatus ? status().not(500) : status().in(session -> session.getList("statuses")));
    }
}
