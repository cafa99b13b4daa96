package dev.tollgate.authz.server;

import static dev.tollgate.authz.testsupport.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.CheckResponses;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.policy.ReloadOptions;
import dev.tollgate.authz.policy.ReloadStats;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks flow continuously from several threads while the tenant's policy file is changed (the
 * decision flips from allow to deny) and then broken: no check fails, every thread sees the flip
 * exactly once, and the broken version never serves.
 */
class HotReloadUnderLoadTest {
    static final int THREADS = 4;
    static final String V1 = "package envoy.authz\n\nresult := {\"allowed\": true, \"headers\": {\"x-policy-version\": \"1\"}}\n";
    static final String V2 = "package envoy.authz\n\nresult := {\"allowed\": false, \"http_status\": 403, "
            + "\"headers\": {\"x-policy-version\": \"2\"}, \"body\": \"v2\"}\n";
    static final String BROKEN = "package envoy.authz\n\nresult := {\"allowed\": true, \"headers\": {\"x-policy-version\": \"3\"}\n";

    @TempDir
    Path root;

    /** Replaces a file in one step, as deploy tools do, so no scan can see it half written. */
    static void replace(Path file, String text) throws java.io.IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static String version(CheckResponse r) {
        List<HeaderValueOption> headers = r.hasOkResponse() ? r.getOkResponse().getHeadersList()
                : r.getDeniedResponse().getHeadersList();
        String v = headers.stream().filter(h -> h.getHeader().getKey().equals("x-policy-version"))
                .map(h -> h.getHeader().getValue()).findFirst().orElse("none");
        boolean consistent = (v.equals("1") && r.hasOkResponse())
                || (v.equals("2") && r.hasDeniedResponse() && r.getDeniedResponse().getStatus().getCodeValue() == 403);
        return consistent ? v : "unexpected:" + r;
    }

    @Test
    void decisionsFlipOnceAndABrokenPolicyNeverServes() throws Exception {
        Path policies = root.resolve("policies");
        Files.createDirectories(policies.resolve("bank-a"));
        Files.writeString(policies.resolve("bank-a/tenant.yaml"), "entrypoint: envoy/authz/result\n");
        Files.writeString(policies.resolve("bank-a/authz.rego"), V1);
        ServerConfig config = ServerConfig.defaults().withPoliciesDir(policies)
                .withReload(new ReloadOptions(true, Duration.ofMillis(50), Duration.ofMillis(250)));
        Tollgate tollgate = new Tollgate(config, Engines.of(new RegoEngine()), List.of());
        InProcessTollgate served = new InProcessTollgate(tollgate);
        tollgate.loadTenants();
        tollgate.startReloading();

        CheckRequest request = Requests.check("spiffe://cluster.local/ns/bank-a/sa/api-ms",
                "spiffe://cluster.local/ns/bank-a/sa/ledger-ms", Requests.http("GET", "/x")).build();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<List<String>> seen = new ArrayList<>();
        List<List<String>> revisions = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<String> versions = Collections.synchronizedList(new ArrayList<>());
            List<String> revs = Collections.synchronizedList(new ArrayList<>());
            seen.add(versions);
            revisions.add(revs);
            AuthorizationGrpc.AuthorizationBlockingStub stub = AuthorizationGrpc.newBlockingStub(served.channel);
            threads.add(Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try {
                        CheckResponse r = stub.check(request);
                        String v = version(r);
                        versions.add(v);
                        revs.add(v + "@" + r.getDynamicMetadata().getFieldsMap()
                                .get(CheckResponses.POLICY_REVISION).getStringValue());
                        if (v.startsWith("unexpected")) {
                            failures.add(v);
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    done.incrementAndGet();
                }
            }));
        }
        try {
            long mark = done.get();
            await(() -> done.get() > mark + 200, "checks under the first policy");
            String v1Revision = tollgate.registry().get("bank-a").orElseThrow().revision();

            replace(policies.resolve("bank-a/authz.rego"), V2);
            await(() -> tollgate.reloadStats().tenants().get("bank-a").successes() >= 2, "the flip to be loaded");
            String v2Revision = tollgate.registry().get("bank-a").orElseThrow().revision();
            long afterFlip = done.get();
            await(() -> done.get() > afterFlip + 200, "checks under the second policy");

            replace(policies.resolve("bank-a/authz.rego"), BROKEN);
            await(() -> tollgate.reloadStats().failures() >= 1, "the broken policy to be refused");
            long afterBreak = done.get();
            await(() -> done.get() > afterBreak + 200, "checks after the broken change");
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }

            assertEquals(List.of(), List.copyOf(failures));
            for (List<String> versions : seen) {
                int firstTwo = versions.indexOf("2");
                assertTrue(firstTwo > 0, "every thread saw the first policy, then the second");
                assertTrue(versions.subList(0, firstTwo).stream().allMatch("1"::equals));
                assertTrue(versions.subList(firstTwo, versions.size()).stream().allMatch("2"::equals),
                        "after the flip only the second policy answers; the broken one never does");
            }
            for (List<String> revs : revisions) {
                assertTrue(revs.stream().allMatch(r -> r.equals("1@" + v1Revision) || r.equals("2@" + v2Revision)),
                        "every decision names the revision that made it");
            }
            ReloadStats stats = tollgate.reloadStats();
            assertEquals(2, stats.tenants().get("bank-a").successes());
            assertEquals(1, stats.tenants().get("bank-a").failures());
            assertEquals(v2Revision, stats.tenants().get("bank-a").revision().orElseThrow());
            assertTrue(stats.lastError().orElseThrow().contains("bank-a/authz.rego:"), stats.lastError().orElseThrow());
            assertTrue(tollgate.registry().allLoaded(), "ready while the last good policy serves");
        } finally {
            running.set(false);
            served.close();
        }
    }
}
