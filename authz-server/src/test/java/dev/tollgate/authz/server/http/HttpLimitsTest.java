package dev.tollgate.authz.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.server.TollgateServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Oversized and malformed HTTP check requests get a 4xx that says why; never a 500 or a stack trace. */
class HttpLimitsTest {
    @TempDir
    static Path root;
    static TollgateServer server;

    @BeforeAll
    static void start() throws Exception {
        Path policies = root.resolve("policies");
        String policy = "package envoy.authz\n\nresult := {\"allowed\": true, \"response_headers_to_add\": "
                + "{\"x-tenant\": input.tenant}}\n";
        Files.createDirectories(policies.resolve("open"));
        Files.writeString(policies.resolve("open/authz.rego"), policy);
        Files.writeString(policies.resolve("open/tenant.yaml"), "entrypoint: envoy/authz/result\nallow_anonymous: true\n");
        // A tenant that may call http.send: its checks leave the event loop for the check pool.
        Files.createDirectories(policies.resolve("pooled"));
        Files.writeString(policies.resolve("pooled/authz.rego"), policy);
        Files.writeString(policies.resolve("pooled/tenant.yaml"), "entrypoint: envoy/authz/result\n"
                + "allow_anonymous: true\nhttp_send: {allowed_hosts: [example.invalid]}\n");
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, """
                grpc: {address: 127.0.0.1, port: 0}
                http: {address: 127.0.0.1, port: 0, max_body_bytes: 4096, max_header_bytes: 8192,
                       max_initial_line_bytes: 1024}
                admin: {address: 127.0.0.1, port: 0}
                policies: {watch: false}
                tenancy: {default_tenant: open}
                """);
        server = TollgateServer.start(ServerConfig.load(Optional.of(config)).withPoliciesDir(policies),
                Engines.of(new RegoEngine()), List.of());
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    static Stream<Arguments> http1() {
        String big = "x".repeat(5000);
        return Stream.of(
                Arguments.of("allowed", "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", 200, ""),
                Arguments.of("body over the limit", "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5000\r\n\r\n" + big,
                        413, "larger than the limit of 4096 bytes (http.max_body_bytes)"),
                Arguments.of("chunked body over the limit", "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "1388\r\n" + big + "\r\n0\r\n\r\n", 413, "http.max_body_bytes"),
                Arguments.of("headers over the limit", "GET /a HTTP/1.1\r\nHost: h\r\nx-big: " + "y".repeat(9000)
                        + "\r\n\r\n", 431, "http.max_header_bytes"),
                Arguments.of("request line over the limit", "GET /" + "p".repeat(2000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
                        414, "http.max_initial_line_bytes"),
                Arguments.of("not HTTP", "HELLO\r\n\r\n", 400, "malformed HTTP request"),
                Arguments.of("header line without a colon", "GET /a HTTP/1.1\r\nHost: h\r\nbroken\r\n\r\n", 400,
                        "malformed HTTP request"),
                Arguments.of("tenant prefix without a tenant", "GET /tenants//a HTTP/1.1\r\nHost: h\r\n\r\n", 400,
                        "must name a tenant"),
                Arguments.of("asterisk target", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", 400,
                        "must be a path starting with '/'"),
                Arguments.of("bad percent-encoding reaches the pipeline", "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400,
                        "invalid_request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("http1")
    void http1Refusals(String name, String request, int status, String says) throws Exception {
        String response = exchange(request);
        assertTrue(response.startsWith("HTTP/1.1 " + status + " "), response);
        assertTrue(response.contains(says), response);
        assertFalse(response.contains("Exception") || response.contains("\tat "), response);
    }

    /** Writes the request and reads until the server closes or the response's declared length has arrived. */
    static String exchange(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (java.net.SocketException e) {
                // The server may answer and close before reading everything we send.
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (java.net.SocketException e) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
                String text = got.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
                    if (m.find() && got.size() >= end + 4 + Integer.parseInt(m.group(1))) {
                        break;
                    }
                }
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void keepAliveServesSeveralChecksOnOneConnection() throws Exception {
        String one = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((one + one).getBytes(StandardCharsets.ISO_8859_1));
            byte[] buf = new byte[4096];
            StringBuilder got = new StringBuilder();
            while (got.toString().split("HTTP/1.1 200 OK", -1).length < 3) {
                int n = s.getInputStream().read(buf);
                assertTrue(n > 0, "connection closed after " + got);
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void pipelinedAnswersKeepRequestOrderWhenAPooledCheckComesFirst() throws Exception {
        String pooled = "GET /tenants/pooled/a HTTP/1.1\r\nHost: h\r\n\r\n";
        String inline = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((pooled + inline + pooled + inline).getBytes(StandardCharsets.ISO_8859_1));
            byte[] buf = new byte[4096];
            StringBuilder got = new StringBuilder();
            while (got.toString().split("HTTP/1.1 200 OK", -1).length < 5) {
                int n = s.getInputStream().read(buf);
                assertTrue(n > 0, "connection closed after " + got);
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
            List<String> tenants = java.util.regex.Pattern.compile("x-tenant: (\\S+)").matcher(got).results()
                    .map(m -> m.group(1)).toList();
            assertEquals(List.of("pooled", "open", "pooled", "open"), tenants);
        }
    }

    @Test
    void http2BodyOverTheLimit() throws Exception {
        try (NettyHttpClient client = new NettyHttpClient()) {
            NettyHttpClient.Response r = client.send(server.httpPort(), true, "POST", "/a",
                    List.of(Map.entry("host", "h")), new byte[5000]);
            assertEquals(413, r.status());
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("http.max_body_bytes"));
            NettyHttpClient.Response ok = client.send(server.httpPort(), true, "GET", "/a",
                    List.of(Map.entry("host", "h")), new byte[0]);
            assertEquals(200, ok.status());
        }
    }
}
