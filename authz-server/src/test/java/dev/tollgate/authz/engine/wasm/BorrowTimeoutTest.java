package dev.tollgate.authz.engine.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.styra.opa.wasm.OpaPolicy;
import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.EvalResult;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wasm.borrow_timeout_ms}: a check waits that long for a free instance, then fails. */
class BorrowTimeoutTest {
    @Test
    void theConfigKeyReachesTheEngineSetting(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("t.yaml");
        Files.writeString(config, "wasm: {pool_size: 1, borrow_timeout_ms: 200}\n");
        ServerConfig cfg = ServerConfig.load(Optional.of(config));
        assertEquals(Duration.ofMillis(200), cfg.wasmBorrowTimeout());
        assertEquals(1, cfg.wasmPoolSize());
    }

    @Test
    void aCheckWaitsTheBorrowTimeoutForABusyPoolThenFails() throws Exception {
        byte[] wasm;
        try (InputStream in = OpaPolicy.class.getResourceAsStream("/demo-policy.wasm")) {
            wasm = in.readAllBytes();
        }
        OpaPolicy instance = OpaPolicy.builder().withPolicy(wasm).build();
        instance.entrypoint("opa/wasm/test/allowed");
        instance.data("{\"role\":{\"alice\":\"admin\"}}");
        InstancePool pool = new InstancePool(1, Duration.ofMillis(200), () -> {
            throw new AssertionError("a pool of one never creates a second instance");
        }, instance);
        WasmPolicy policy = new WasmPolicy(pool);
        var input = dev.tollgate.rego.value.Json.parse("{\"user\":\"alice\"}");

        OpaPolicy held = pool.borrow();
        assertNotNull(held);
        long start = System.nanoTime();
        EvalResult busy = policy.evaluate(input);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        EvalResult.Failed failed = assertInstanceOf(EvalResult.Failed.class, busy);
        assertTrue(failed.message().contains("no wasm instance became free in time"), failed.message());
        assertTrue(waitedMs >= 190, "waited the borrow timeout first: " + waitedMs + " ms");
        assertNull(pool.borrow(), "still busy");

        pool.release(held);
        EvalResult.Defined ok = assertInstanceOf(EvalResult.Defined.class, policy.evaluate(input));
        assertEquals("true", ok.value().toString());
    }
}
