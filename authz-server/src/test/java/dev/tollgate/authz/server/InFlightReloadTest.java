package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.decision.CheckResponses;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import dev.tollgate.authz.testsupport.Requests;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A check that is evaluating while a reload swaps the tenant's policy finishes on the policy it started with. */
class InFlightReloadTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    /** Each load is a new generation; "/slow" checks wait until released. */
    static final class GenerationEngine implements PolicyEngine {
        final AtomicInteger loads = new AtomicInteger();
        final CountDownLatch slowEntered = new CountDownLatch(1);
        final CountDownLatch releaseSlow = new CountDownLatch(1);

        @Override
        public String name() {
            return Engines.REGO;
        }

        @Override
        public LoadResult load(PolicySource source) {
            int generation = loads.incrementAndGet();
            return new LoadResult.Loaded(new CompiledPolicy() {
                @Override
                public EvalResult evaluate(dev.tollgate.rego.value.Value value) {
                    var input = dev.tollgate.rego.value.Json.toJackson(value);
                    if (input.at("/attributes/request/http/path").asText().equals("/slow")) {
                        slowEntered.countDown();
                        try {
                            releaseSlow.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return new EvalResult.Defined(JSON.createObjectNode().put("allowed", true)
                            .set("headers", JSON.createObjectNode().put("x-generation", String.valueOf(generation))));
                }
            });
        }
    }

    static String generation(CheckResponse r) {
        return r.getOkResponse().getHeadersList().stream()
                .filter(h -> h.getHeader().getKey().equals("x-generation")).findFirst().orElseThrow()
                .getHeader().getValue();
    }

    @Test
    void inFlightChecksKeepThePolicyTheyStartedWith() throws Exception {
        Path policies = root.resolve("policies");
        Files.createDirectories(policies.resolve("bank-a"));
        Files.writeString(policies.resolve("bank-a/authz.rego"), "package envoy.authz\n# 1\n");
        GenerationEngine engine = new GenerationEngine();
        try (Tollgate tollgate = new Tollgate(ServerConfig.defaults().withPoliciesDir(policies), Engines.of(engine),
                List.of())) {
            tollgate.loadTenants();
            String caller = "spiffe://cluster.local/ns/bank-a/sa/api-ms";
            String destination = "spiffe://cluster.local/ns/bank-a/sa/ledger-ms";
            CheckRequest slow = Requests.check(caller, destination, Requests.http("GET", "/slow")).build();
            CheckRequest fast = Requests.check(caller, destination, Requests.http("GET", "/fast")).build();
            CompletableFuture<CheckResponse> inFlight = CompletableFuture.supplyAsync(
                    () -> tollgate.pipeline().check(slow, Optional.empty()));
            assertTrue(engine.slowEntered.await(30, TimeUnit.SECONDS));
            String firstRevision = tollgate.registry().get("bank-a").orElseThrow().revision();

            Files.writeString(policies.resolve("bank-a/authz.rego"), "package envoy.authz\n# 2\n");
            tollgate.rescanPolicies();
            CheckResponse after = tollgate.pipeline().check(fast, Optional.empty());
            assertEquals("2", generation(after));

            engine.releaseSlow.countDown();
            CheckResponse finished = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals("1", generation(finished));
            assertEquals(firstRevision, finished.getDynamicMetadata().getFieldsMap()
                    .get(CheckResponses.POLICY_REVISION).getStringValue());
        }
    }
}
