package dev.tollgate.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The realistic load mix for the shipped bank-a and bank-b tenants: callers drawn with a Zipf
 * distribution (a few busy services, a long tail of rarely seen workloads), each calling the routes
 * it normally calls; plus fixed shares of callers without identity, callers with invalid SPIFFE IDs
 * and calls to a namespace no tenant owns. Transfers from bank-a's API to bank-b go through bank-b's
 * per-caller transfer limit, so at load they are partly rate limited.
 *
 * <p>Deterministic for a seed: the same seed gives the same sequence of calls.
 */
final class CallMix {
    static final double ZIPF_EXPONENT = 1.1;
    /** Shares of the mix that are not drawn from the caller population. */
    static final double NO_IDENTITY = 0.03;
    static final double INVALID_IDENTITY = 0.03;
    static final double UNKNOWN_TENANT = 0.02;
    static final int TAIL_WORKLOADS_PER_BANK = 60;

    /** A route a caller calls; {@code forbidden}: the shipped policies deny it (403). */
    private record Route(String destination, String method, String pathTemplate, boolean forbidden) {
        Route(String destination, String method, String pathTemplate) {
            this(destination, method, pathTemplate, false);
        }
    }

    private record Caller(String id, List<Route> routes) {
    }

    private final List<Caller> callers;
    private final double[] cumulative;

    CallMix() {
        this.callers = population();
        this.cumulative = zipf(callers.size(), ZIPF_EXPONENT);
    }

    static String spiffe(String namespace, String serviceAccount) {
        return "spiffe://cluster.local/ns/" + namespace + "/sa/" + serviceAccount;
    }

    /** Callers in rank order: the busiest first. */
    private static List<Caller> population() {
        List<Caller> out = new ArrayList<>();
        String gateway = spiffe("istio-system", "istio-ingressgateway-service-account");
        out.add(new Caller(gateway, List.of(
                new Route(spiffe("bank-a", "api-ms"), "GET", "/api/accounts/{n}"),
                new Route(spiffe("bank-b", "api-ms"), "GET", "/api/accounts/{n}"),
                new Route(spiffe("bank-a", "api-ms"), "POST", "/api/payments"))));
        for (String bank : List.of("bank-a", "bank-b")) {
            out.add(new Caller(spiffe(bank, "api-ms"), List.of(
                    new Route(spiffe(bank, "transaction-ms"), "GET", "/transactions/{n}"),
                    new Route(spiffe(bank, "auth-ms"), "POST", "/sessions"))));
        }
        // Cross-tenant transfers through bank-b's grant (rate limited per caller).
        out.add(new Caller(spiffe("bank-a", "api-ms"), List.of(
                new Route(spiffe("bank-b", "transaction-ms"), "POST", "/transfer"))));
        out.add(new Caller(spiffe("bank-a", "audit-ms"), List.of(
                new Route(spiffe("bank-a", "ledger-ms"), "GET", "/ledger/{n}"),
                new Route(spiffe("bank-a", "transaction-ms"), "GET", "/transactions/{n}"))));
        out.add(new Caller(spiffe("bank-a", "transaction-ms"), List.of(
                new Route(spiffe("bank-a", "ledger-ms"), "POST", "/ledger/entries"))));
        out.add(new Caller(spiffe("bank-b", "statement-ms"), List.of(
                new Route(spiffe("bank-b", "transaction-ms"), "GET", "/transactions/{n}"),
                // not allowed: statements may read transactions, never move money
                new Route(spiffe("bank-b", "transaction-ms"), "POST", "/transfer", true))));
        // The long tail: batch jobs and tools that no route names (denied).
        for (int i = 0; i < TAIL_WORKLOADS_PER_BANK; i++) {
            for (String bank : List.of("bank-a", "bank-b")) {
                out.add(new Caller(spiffe(bank, "job-" + i), List.of(
                        new Route(spiffe(bank, "transaction-ms"), "GET", "/transactions/{n}"),
                        new Route(spiffe(bank, "ledger-ms"), "GET", "/ledger/{n}"))));
            }
        }
        return List.copyOf(out);
    }

    private static double[] zipf(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            c[k - 1] = sum;
        }
        for (int i = 0; i < n; i++) {
            c[i] /= sum;
        }
        return c;
    }

    private Caller drawCaller(SplittableRandom random) {
        double u = random.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return callers.get(lo);
    }

    /** {@code n} calls drawn with {@code seed}. */
    List<Call> draw(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Call> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls.add(next(random));
        }
        return calls;
    }

    private Call next(SplittableRandom random) {
        String requestId = Long.toHexString(random.nextLong());
        Map<String, String> headers = Map.of("x-request-id", requestId, "user-agent", "tollgate-load/1",
                "accept", "application/json");
        double u = random.nextDouble();
        String bank = random.nextBoolean() ? "bank-a" : "bank-b";
        if (u < NO_IDENTITY) {
            return new Call("no_identity", null, spiffe(bank, "api-ms"), "GET", "/api/accounts/1", headers);
        }
        if (u < NO_IDENTITY + INVALID_IDENTITY) {
            return new Call("invalid_identity", "spiffe://cluster.local/ns/" + bank + "/sa/../api-ms",
                    spiffe(bank, "transaction-ms"), "GET", "/transactions/1", headers);
        }
        if (u < NO_IDENTITY + INVALID_IDENTITY + UNKNOWN_TENANT) {
            return new Call("unknown_tenant", spiffe(bank, "api-ms"), spiffe("bank-z", "transaction-ms"), "GET",
                    "/transactions/1", headers);
        }
        Caller caller = drawCaller(random);
        Route route = caller.routes().get(random.nextInt(caller.routes().size()));
        String path = route.pathTemplate().replace("{n}", Integer.toString(1 + random.nextInt(10_000)));
        String kind = caller.id().contains("/sa/job-") ? "tail_workload"
                : route.forbidden() ? "forbidden_route" : "service";
        return new Call(kind, caller.id(), route.destination(), route.method(), path, headers);
    }
}
