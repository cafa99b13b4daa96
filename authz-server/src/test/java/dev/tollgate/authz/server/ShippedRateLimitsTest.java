package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shipped bank-b limit: each caller may make at most 50 transfers a second. */
class ShippedRateLimitsTest {

    @Test
    void the51stTransferInASecondIsRateLimitedPerCaller() throws Exception {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        Ticker ticker = nanos::get;
        Tollgate tollgate = new Tollgate(ServerConfig.defaults().withPoliciesDir(ShippedPoliciesTest.repoRoot()
                .resolve("policies")), Engines.of(new RegoEngine(), new WasmEngine(1, Duration.ofSeconds(5))),
                List.of(), ticker);
        tollgate.loadTenants();
        try (InProcessTollgate served = new InProcessTollgate(tollgate)) {
            String bankAApi = ShippedPoliciesTest.spiffe("bank-a", "api-ms");
            String transactions = ShippedPoliciesTest.spiffe("bank-b", "transaction-ms");
            var transfer = ShippedPoliciesTest.check(bankAApi, transactions, "POST", "/transfer", null);
            for (int i = 1; i <= 50; i++) {
                assertTrue(served.authz.check(transfer).hasOkResponse(), "transfer " + i);
            }
            CheckResponse limited = served.authz.check(transfer);
            assertEquals(429, limited.getDeniedResponse().getStatus().getCodeValue(), limited.toString());
            assertEquals("rate_limited", limited.getDynamicMetadata().getFieldsMap().get("reason").getStringValue());
            assertEquals(List.of("1"), ShippedPoliciesTest.headers(limited.getDeniedResponse().getHeadersList(),
                    "retry-after"));
            // Reads are not transfers, and another caller has its own budget.
            assertTrue(served.authz.check(ShippedPoliciesTest.check(ShippedPoliciesTest.spiffe("bank-b", "statement-ms"),
                    transactions, "GET", "/transactions/1", null)).hasOkResponse());
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(20)); // one token back at 50 per second
            assertTrue(served.authz.check(transfer).hasOkResponse());
            assertEquals(429, served.authz.check(transfer).getDeniedResponse().getStatus().getCodeValue());
        }
    }
}
