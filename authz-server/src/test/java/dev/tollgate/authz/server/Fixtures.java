package dev.tollgate.authz.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.authz.engine.EvalResult;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.wasm.WasmEngine;
import dev.tollgate.authz.testsupport.TestEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A policies directory with three tenants: bank-a and bank-b (Rego-shaped, evaluated by the test
 * engine registered as "rego"), and demo (the real OPA-compiled demo-policy.wasm).
 */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The last input document bank-a or bank-b evaluated. */
    static final AtomicReference<JsonNode> LAST_INPUT = new AtomicReference<>();
    /**
     * "/slow" checks signal SLOW_ENTERED and then wait for RELEASE_SLOW (shutdown tests); a test
     * that uses them calls {@link #resetSlow()} first.
     */
    static volatile java.util.concurrent.CountDownLatch SLOW_ENTERED = new java.util.concurrent.CountDownLatch(1);
    static volatile java.util.concurrent.CountDownLatch RELEASE_SLOW = new java.util.concurrent.CountDownLatch(1);

    static void resetSlow() {
        RELEASE_SLOW.countDown();
        SLOW_ENTERED = new java.util.concurrent.CountDownLatch(1);
        RELEASE_SLOW = new java.util.concurrent.CountDownLatch(1);
    }

    private Fixtures() {
    }

    static Path policies(Path root) {
        try {
            write(root.resolve("bank-a/policy.rego"), "package envoy.authz\n");
            write(root.resolve("bank-b/policy.rego"), "package envoy.authz\n");
            write(root.resolve("bank-b/tenant.yaml"), "allow_anonymous: true\nfail_mode: open\n");
            write(root.resolve("shared/lib.rego"), "package shared\n");
            Path demo = root.resolve("demo");
            Files.createDirectories(demo);
            try (InputStream in = com.styra.opa.wasm.OpaPolicy.class.getResourceAsStream("/demo-policy.wasm")) {
                Files.write(demo.resolve("policy.wasm"), in.readAllBytes());
            }
            write(demo.resolve("tenant.yaml"), "entrypoint: opa/wasm/test/allowed\n");
            write(demo.resolve("data.json"), "{\"role\": {\"alice\": \"admin\"}}");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    static Engines engines() {
        return Engines.of(new WasmEngine(2, Duration.ofSeconds(5)), new TestEngine(Map.of(
                "bank-a", record(Fixtures::bankA),
                "bank-b", record(Fixtures::bankB))));
    }

    private static Function<JsonNode, EvalResult> record(Function<JsonNode, EvalResult> policy) {
        return input -> {
            LAST_INPUT.set(input);
            return policy.apply(input);
        };
    }

    /** bank-a: callers from namespace bank-a may GET; some paths exercise result shapes. */
    private static EvalResult bankA(JsonNode input) {
        boolean fromBankA = "bank-a".equals(input.at("/identity/namespace").asText());
        if (!input.at("/attributes/request").has("http")) {
            return new EvalResult.Defined(JSON.getNodeFactory().booleanNode(fromBankA));
        }
        String path = input.at("/attributes/request/http/path").asText();
        String method = input.at("/attributes/request/http/method").asText();
        try {
            return switch (path) {
                case "/undefined" -> new EvalResult.Undefined();
                case "/slow" -> {
                    java.util.concurrent.CountDownLatch release = RELEASE_SLOW;
                    SLOW_ENTERED.countDown();
                    try {
                        release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield new EvalResult.Defined(JSON.getNodeFactory().booleanNode(true));
                }
                case "/error" -> new EvalResult.Failed("division by zero in policy.rego:3");
                case "/throttle" -> new EvalResult.Defined(JSON.readTree("{\"allowed\": true, \"throttle\": true}"));
                case "/malformed" -> new EvalResult.Defined(JSON.readTree("{\"allow\": true}"));
                case "/shape" -> new EvalResult.Defined(JSON.readTree("""
                        {"allowed": true, "headers": {"x-caller": "%s"}, "request_headers_to_remove": ["cookie"],
                         "response_headers_to_add": {"x-served-by": "tollgate"}, "query_parameters_to_set": {"v": "2"},
                         "query_parameters_to_remove": ["debug"], "dynamic_metadata": {"tier": "gold"}}"""
                        .formatted(input.at("/identity/service_account").asText())));
                case "/teapot" -> new EvalResult.Defined(JSON.readTree("""
                        {"allowed": false, "http_status": 429, "body": "too many", "headers": {"retry-after": ["1"]}}"""));
                default -> new EvalResult.Defined(JSON.getNodeFactory().booleanNode(fromBankA && method.equals("GET")));
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** bank-b: anonymous callers allowed on /public; fails open on errors. */
    private static EvalResult bankB(JsonNode input) {
        String path = input.at("/attributes/request/http/path").asText();
        if (path.equals("/error")) {
            return new EvalResult.Failed("boom");
        }
        return new EvalResult.Defined(JSON.getNodeFactory().booleanNode(path.equals("/public")));
    }
}
