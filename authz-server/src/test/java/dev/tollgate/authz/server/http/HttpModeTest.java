package dev.tollgate.authz.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.server.TollgateServer;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of original requests, each sent as Envoy's gRPC ext_authz filter would send it and as
 * Envoy's HTTP ext_authz filter would (over HTTP/1.1, h2c with prior knowledge, and h2c by
 * upgrade): decision, status, headers and body agree, and match what the row expects.
 */
class HttpModeTest {
    static final String TELLER = "spiffe://cluster.local/ns/bank-a/sa/teller";
    static final String OUTSIDER = "spiffe://cluster.local/ns/bank-c/sa/app";
    static final String BANK_A_LEDGER = "spiffe://cluster.local/ns/bank-a/sa/ledger";
    static final String NOBODY_WORKLOAD = "spiffe://cluster.local/ns/nobody/sa/x";

    static final String BANK_A_POLICY = """
            package envoy.authz

            import rego.v1

            default result := {"allowed": false, "body": "denied by bank-a", "headers": {"x-denied-by": "bank-a"}}

            default dest := "none"

            dest := input.attributes.destination.principal

            echo := {
                "x-caller": input.identity.spiffe_id,
                "x-path": input.attributes.request.http.path,
                "x-dest": dest,
                "x-tenant": input.tenant,
                "x-version": object.get(input.attributes.request.http.headers, "x-api-version", "none"),
                "x-limit": object.get(input.parsed_query, "limit", ["none"])[0],
            }

            result := {"allowed": true, "headers": echo, "response_headers_to_add": {"x-served-by": "tollgate"},
                       "request_headers_to_remove": ["cookie"]} if {
                input.attributes.request.http.method == "GET"
                input.identity.namespace == "bank-a"
                not startswith(input.attributes.request.http.path, "/admin")
            }

            result := {"allowed": true, "headers": {"x-amount": sprintf("%v", [input.parsed_body.amount])}} if {
                input.attributes.request.http.method == "POST"
                input.parsed_path == ["transfers"]
                input.parsed_body.amount <= 100
            }

            result := {"allowed": false, "http_status": 402, "body": "{\\"error\\":\\"over limit\\"}",
                       "headers": {"content-type": "application/json"}} if {
                input.attributes.request.http.method == "POST"
                input.parsed_path == ["transfers"]
                input.parsed_body.amount > 100
            }
            """;

    static final String BANK_B_POLICY = """
            package envoy.authz

            import rego.v1

            result := {"allowed": true, "response_headers_to_add": {"x-tenant": input.tenant}}
            """;

    /**
     * An original request and who makes it.
     *
     * @param caller      the caller's SPIFFE ID (the sidecar's mTLS peer), or null
     * @param destination the destination workload's SPIFFE ID, or null
     * @param prefix      HTTP mode: the provider's pathPrefix ({@code /tenants/<t>}), or null;
     *                    when set, XFCC carries no {@code By=}
     * @param status      the HTTP status both modes must give
     * @param header      a header (name=value) both answers must carry, or null
     */
    record Row(String name, String caller, String destination, String prefix, String method, String path,
               Map<String, String> headers, String body, int status, String header) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String JSON = "application/json";

    static List<Row> rows() {
        return List.of(
                new Row("teller reads an account", TELLER, BANK_A_LEDGER, null, "GET", "/accounts/42",
                        Map.of(), "", 200, "x-caller=" + TELLER),
                new Row("query and header reach the policy", TELLER, BANK_A_LEDGER, null, "GET",
                        "/accounts?limit=5", Map.of("x-api-version", "2"), "", 200, "x-limit=5"),
                new Row("tenant from the path prefix", TELLER, null, "/tenants/bank-a", "GET", "/accounts/7",
                        Map.of(), "", 200, "x-path=/accounts/7"),
                new Row("policy deny with its body", TELLER, BANK_A_LEDGER, null, "GET", "/admin/users",
                        Map.of(), "", 403, "x-denied-by=bank-a"),
                new Row("small transfer allowed from the body", TELLER, BANK_A_LEDGER, null, "POST", "/transfers",
                        Map.of("content-type", JSON), "{\"amount\": 50}", 200, "x-amount=50"),
                new Row("large transfer gets the policy's status", TELLER, BANK_A_LEDGER, null, "POST", "/transfers",
                        Map.of("content-type", JSON), "{\"amount\": 500}", 402, "content-type=application/json"),
                new Row("caller from another namespace", OUTSIDER, BANK_A_LEDGER, null, "GET", "/accounts/42",
                        Map.of(), "", 403, "x-tollgate-reason=policy_denied"),
                new Row("no caller identity", null, BANK_A_LEDGER, "/tenants/bank-a", "GET", "/accounts/42",
                        Map.of(), "", 401, "x-tollgate-reason=identity_missing"),
                new Row("destination no tenant owns", TELLER, NOBODY_WORKLOAD, null, "GET", "/x",
                        Map.of(), "", 403, "x-tollgate-reason=unknown_tenant"),
                new Row("bad path encoding", TELLER, BANK_A_LEDGER, null, "GET", "/accounts/%zz",
                        Map.of(), "", 400, "x-tollgate-reason=invalid_request"),
                new Row("unparsable JSON body", TELLER, BANK_A_LEDGER, null, "POST", "/transfers",
                        Map.of("content-type", JSON), "{\"amount\": ", 400, "x-tollgate-reason=invalid_request"),
                new Row("prefix names the tenant over the destination", TELLER, NOBODY_WORKLOAD, "/tenants/bank-b",
                        "GET", "/anything", Map.of(), "", 200, "x-tenant=bank-b"));
    }

    @TempDir
    static Path root;
    static TollgateServer server;
    static ManagedChannel channel;
    static AuthorizationGrpc.AuthorizationBlockingStub grpc;
    static NettyHttpClient netty;

    @BeforeAll
    static void start() throws Exception {
        Path policies = root.resolve("policies");
        write(policies.resolve("bank-a/authz.rego"), BANK_A_POLICY);
        write(policies.resolve("bank-a/tenant.yaml"), "entrypoint: envoy/authz/result\n");
        write(policies.resolve("bank-b/authz.rego"), BANK_B_POLICY);
        write(policies.resolve("bank-b/tenant.yaml"), "entrypoint: envoy/authz/result\nallow_anonymous: true\n");
        Path config = root.resolve("tollgate.yaml");
        write(config, """
                grpc: {address: 127.0.0.1, port: 0}
                http: {address: 127.0.0.1, port: 0, max_body_bytes: 4096, max_header_bytes: 8192,
                       max_initial_line_bytes: 1024}
                admin: {address: 127.0.0.1, port: 0}
                policies: {watch: false}
                identity: {trust_xfcc: true}
                """);
        server = TollgateServer.start(ServerConfig.load(Optional.of(config)).withPoliciesDir(policies),
                Engines.of(new RegoEngine()), List.of());
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.grpcPort(), InsecureChannelCredentials.create())
                .build();
        grpc = AuthorizationGrpc.newBlockingStub(channel);
        netty = new NettyHttpClient();
    }

    @AfterAll
    static void stop() {
        netty.close();
        channel.shutdownNow();
        server.shutdown();
    }

    static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    enum Client { HTTP1, H2C_PRIOR_KNOWLEDGE, H2C_UPGRADE }

    static Stream<Arguments> cases() {
        // java.net.URI refuses a malformed escape, so the JDK client cannot send that row.
        return rows().stream().flatMap(r -> Stream.of(Client.values())
                .filter(c -> c != Client.H2C_UPGRADE || !r.path().contains("%zz"))
                .map(c -> Arguments.of(r, c)));
    }

    /** What Envoy's gRPC filter sends for the row: principals from the sidecar's mTLS, lowercase headers. */
    static CheckRequest grpcRequest(Row row) {
        AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder()
                .setMethod(row.method()).setPath(row.path()).setHost("ledger.bank-a.svc").setScheme("http")
                .setProtocol("HTTP/1.1")
                .putHeaders(":method", row.method()).putHeaders(":path", row.path())
                .putHeaders(":authority", "ledger.bank-a.svc");
        row.headers().forEach(http::putHeaders);
        if (!row.body().isEmpty()) {
            http.setBody(row.body()).setSize(row.body().getBytes(StandardCharsets.UTF_8).length)
                    .putHeaders("content-length", String.valueOf(row.body().getBytes(StandardCharsets.UTF_8).length));
        }
        AttributeContext.Peer.Builder source = AttributeContext.Peer.newBuilder().setAddress(address("10.0.0.7"));
        if (row.caller() != null) {
            source.setPrincipal(row.caller());
        }
        AttributeContext.Peer.Builder destination = AttributeContext.Peer.newBuilder().setAddress(address("10.0.0.9"));
        if (row.destination() != null) {
            destination.setPrincipal(row.destination());
        }
        AttributeContext.Builder attributes = AttributeContext.newBuilder().setSource(source)
                .setDestination(destination)
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http));
        if (row.prefix() != null) {
            // What the HTTP mode's prefix says, gRPC says with a per-route context extension.
            attributes.putContextExtensions("tenant", row.prefix().substring("/tenants/".length()));
            attributes.getDestinationBuilder().clearPrincipal();
            if (row.destination() != null) {
                attributes.getDestinationBuilder().setPrincipal(row.destination());
            }
        }
        return CheckRequest.newBuilder().setAttributes(attributes).build();
    }

    private static Address address(String ip) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(8080)).build();
    }

    /** What Envoy's HTTP filter sends for the row: pathPrefix + path, allowed headers, XFCC from the sidecar. */
    static List<Map.Entry<String, String>> httpHeaders(Row row, boolean withHost) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (withHost) {
            headers.add(Map.entry("host", "ledger.bank-a.svc"));
        }
        headers.addAll(row.headers().entrySet());
        StringBuilder xfcc = new StringBuilder();
        if (row.destination() != null && row.prefix() == null) {
            xfcc.append("By=").append(row.destination());
        }
        if (row.caller() != null) {
            xfcc.append(xfcc.isEmpty() ? "" : ";").append("Hash=4f1c;URI=").append(row.caller());
        }
        if (!xfcc.isEmpty()) {
            headers.add(Map.entry("x-forwarded-client-cert", xfcc.toString()));
        }
        return headers;
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("cases")
    void bothModesAgree(Row row, Client client) throws Exception {
        CheckResponse viaGrpc = grpc.check(grpcRequest(row));
        HttpAnswer expected = HttpCheckResponses.answer(viaGrpc);

        String target = (row.prefix() == null ? "" : row.prefix()) + row.path();
        byte[] body = row.body().getBytes(StandardCharsets.UTF_8);
        int status;
        Map<String, String> headers;
        byte[] answerBody;
        if (client == Client.H2C_UPGRADE) {
            try (HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort()
                        + target));
                for (Map.Entry<String, String> h : httpHeaders(row, false)) {
                    b.header(h.getKey(), h.getValue());
                }
                b.method(row.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
                HttpResponse<byte[]> r = jdk.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (body.length == 0) {
                    assertEquals(HttpClient.Version.HTTP_2, r.version(), "h2c upgrade");
                }
                status = r.statusCode();
                headers = new TreeMap<>();
                r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                answerBody = r.body();
            }
        } else {
            NettyHttpClient.Response r = netty.send(server.httpPort(), client == Client.H2C_PRIOR_KNOWLEDGE,
                    row.method(), target, httpHeaders(row, true), body);
            status = r.status();
            headers = new TreeMap<>();
            r.headers().forEach(h -> headers.merge(h.getKey(), h.getValue(), (a, b) -> a + "," + b));
            answerBody = r.body();
        }

        assertEquals(row.status(), expected.status(), "gRPC mode status");
        assertEquals(expected.status(), status, "HTTP mode status");
        assertEquals(sourcesInAnyOrder(new String(expected.body(), StandardCharsets.UTF_8)),
                sourcesInAnyOrder(new String(answerBody, StandardCharsets.UTF_8)));
        Map<String, String> expectedHeaders = comparable(expected.headers().stream()
                .map(h -> Map.entry(h.name().toLowerCase(Locale.ROOT), h.value())).toList());
        Map<String, String> actualHeaders = comparable(headers.entrySet().stream().toList());
        assertEquals(expectedHeaders, actualHeaders);
        if (row.header() != null) {
            String[] nv = row.header().split("=", 2);
            assertEquals(nv[1], actualHeaders.get(nv[0]), row.header());
        }
        if (status != 200) {
            assertNotNull(actualHeaders.get("x-tollgate-decision-id"));
        }
    }

    /** Headers minus transport ones; decision ids differ per check, so only their presence counts. */
    private static Map<String, String> comparable(List<Map.Entry<String, String>> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            // x-http2-*: the Netty client's own HTTP/2-to-HTTP/1 conversion adds them.
            if (name.equals("content-length") || name.equals(":status") || name.startsWith("x-http2-")) {
                continue;
            }
            out.merge(name, name.equals("x-tollgate-decision-id") ? "(id)" : h.getValue(), (a, b) -> a + "," + b);
        }
        return new TreeMap<>(out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theHttpAnswerNeverLeaksInternals(Row row) throws Exception {
        NettyHttpClient.Response r = netty.send(server.httpPort(), false, row.method(),
                (row.prefix() == null ? "" : row.prefix()) + row.path(), httpHeaders(row, true),
                row.body().getBytes(StandardCharsets.UTF_8));
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertFalse(text.contains("Exception") || text.contains("\tat "), text);
        assertTrue(r.status() < 500, "status " + r.status());
    }

    /**
     * An unknown_tenant body lists the tenancy sources in the order they were tried, and HTTP mode
     * tries its path prefix first: the same explanations, in another order. The JDK client cannot
     * set Host, so the host source's explanation names the request's host, whatever it is.
     */
    static Object sourcesInAnyOrder(String answer) {
        String body = answer.strip();
        int open = body.indexOf(" (");
        if (!body.startsWith("unknown_tenant:") || open < 0 || !body.endsWith(")")) {
            return body;
        }
        return Map.entry(body.substring(0, open),
                new java.util.TreeSet<>(Stream.of(body.substring(open + 2, body.length() - 1).split("; "))
                        .map(part -> part.startsWith("host: '") ? "host: (request host)" : part).toList()));
    }
}
