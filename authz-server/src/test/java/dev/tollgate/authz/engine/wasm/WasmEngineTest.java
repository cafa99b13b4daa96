package dev.tollgate.authz.engine.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.engine.CompiledPolicy;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.EvalSettings;
import dev.tollgate.authz.engine.PolicySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real OPA-compiled demo-policy.wasm shipped inside the opa-java-wasm jar. */
class WasmEngineTest {
    static final String ENTRYPOINT = "opa/wasm/test/allowed";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path demoPolicy(Path dir) throws IOException {
        try (InputStream in = com.styra.opa.wasm.OpaPolicy.class.getResourceAsStream("/demo-policy.wasm")) {
            Path wasm = dir.resolve("policy.wasm");
            Files.write(wasm, in.readAllBytes());
            return wasm;
        }
    }

    private static PolicySource source(Path dir, String entrypoint, String data) throws IOException {
        return new PolicySource("demo", dir.toString(), entrypoint, List.of(),
                Optional.of(new PolicySource.Wasm("policy.wasm", Files.readAllBytes(demoPolicy(dir)))),
                JSON.readTree(data), EvalSettings.DEFAULTS);
    }

    @Test
    void evaluatesTheEntrypointWithData(@TempDir Path dir) throws Exception {
        LoadResult r = new WasmEngine(2, Duration.ofSeconds(5)).load(source(dir, ENTRYPOINT, "{\"role\":{\"alice\":\"admin\"}}"));
        CompiledPolicy policy = assertInstanceOf(LoadResult.Loaded.class, r).policy();
        assertEquals(JSON.readTree("true"),
                assertInstanceOf(EvalResult.Defined.class, policy.evaluate(dev.tollgate.rego.value.Json.parse("{\"user\":\"alice\"}"))).value());
        assertEquals(JSON.readTree("false"),
                assertInstanceOf(EvalResult.Defined.class, policy.evaluate(dev.tollgate.rego.value.Json.parse("{\"user\":\"bob\"}"))).value());
    }

    @Test
    void poolServesConcurrentCallersCorrectly(@TempDir Path dir) throws Exception {
        CompiledPolicy policy = assertInstanceOf(LoadResult.Loaded.class, new WasmEngine(3, Duration.ofSeconds(30))
                .load(source(dir, ENTRYPOINT, "{\"role\":{\"alice\":\"admin\"}}"))).policy();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                boolean alice = i % 2 == 0;
                results.add(pool.submit(() -> {
                    EvalResult r = policy.evaluate(dev.tollgate.rego.value.Json.parse(alice ? "{\"user\":\"alice\"}" : "{\"user\":\"eve\"}"));
                    return ((EvalResult.Defined) r).value().booleanValue() == alice;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownEntrypointFailsToLoadWithTheAvailableOnes(@TempDir Path dir) throws Exception {
        LoadResult.Failed f = assertInstanceOf(LoadResult.Failed.class,
                new WasmEngine(1, Duration.ofSeconds(1)).load(source(dir, "envoy/authz/allow", "{}")));
        assertTrue(f.message().endsWith("entrypoint 'envoy/authz/allow' not found (module has [opa/wasm/test/allowed])"),
                f.message());
    }

    @Test
    void garbageModuleFailsToLoad(@TempDir Path dir) throws Exception {
        Path wasm = dir.resolve("policy.wasm");
        Files.writeString(wasm, "not wasm");
        LoadResult.Failed f = assertInstanceOf(LoadResult.Failed.class, new WasmEngine(1, Duration.ofSeconds(1))
                .load(new PolicySource("t", dir.toString(), ENTRYPOINT, List.of(),
                        Optional.of(new PolicySource.Wasm(wasm.toString(), Files.readAllBytes(wasm))),
                        JSON.createObjectNode(), EvalSettings.DEFAULTS)));
        assertTrue(f.message().contains("not a loadable OPA wasm module"), f.message());
    }

    @Test
    void resultSets() {
        assertInstanceOf(EvalResult.Undefined.class, WasmPolicy.read("[]"));
        assertInstanceOf(EvalResult.Failed.class, WasmPolicy.read("{}"));
        assertInstanceOf(EvalResult.Failed.class, WasmPolicy.read("[{\"result\":1},{\"result\":2}]"));
    }
}
