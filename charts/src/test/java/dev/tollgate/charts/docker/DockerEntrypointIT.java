package dev.tollgate.charts.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's command line (ENTRYPOINT + CMD, parsed from the Dockerfile) run against the jar the
 * reactor built, on a JRE linked from the Dockerfile's module list: the image's paths are mapped
 * to local ones and nothing else changes. It must serve Checks on loopback.
 */
class DockerEntrypointIT {
    static final Path REPO = DockerfileTest.REPO;
    static final Path JAR = REPO.resolve("authz-server/target/tollgate.jar");

    @TempDir
    static Path tmp;
    static Path jre;

    @BeforeAll
    static void linkTheJre() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: it is built by `./mvnw verify` (package phase of authz-server)");
        jre = tmp.resolve("jre");
        run("jlink", "--add-modules", String.join(",", DockerfileTest.jreModules()), "--strip-debug",
                "--no-header-files", "--no-man-pages", "--output", jre.toString());
    }

    private static String run(String tool, String... args) {
        ToolProvider provider = ToolProvider.findFirst(tool).orElseThrow(() -> new AssertionError(tool + " is not in this JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = provider.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        assertEquals(0, rc, () -> tool + " " + String.join(" ", args) + " failed:\n" + out + err);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** jdeps must find nothing in the jar that the linked JRE lacks (a new dependency can need a new module). */
    @Test
    void moduleListCoversWhatJdepsFinds() throws IOException {
        String found = run("jdeps", "--print-module-deps", "--ignore-missing-deps", "--multi-release",
                String.valueOf(Runtime.version().feature()), JAR.toString()).strip();
        Set<String> missing = new TreeSet<>(List.of(found.split(",")));
        missing.removeAll(DockerfileTest.jreModules());
        assertEquals(Set.of(), missing, "modules jdeps finds in tollgate.jar that ARG JRE_MODULES lacks (found: " + found + ")");
    }

    @Test
    void imageCommandLineServesChecks() throws Exception {
        Path policies = tmp.resolve("etc-tollgate-policies");
        copyTree(REPO.resolve("policies"), policies);
        Path scratch = Files.createDirectories(tmp.resolve("scratch"));
        // The image's config, with its paths mapped, on loopback ports the system picks.
        Path config = tmp.resolve("config.yaml");
        Files.writeString(config, Files.readString(REPO.resolve("docker/config.yaml"))
                .replace("/etc/tollgate/policies", policies.toString())
                + "grpc: {address: 127.0.0.1, port: 0}\nhttp: {address: 127.0.0.1, port: 0}\n"
                + "admin: {address: 127.0.0.1, port: 0}\n");

        Map<String, String> imagePaths = new LinkedHashMap<>();
        imagePaths.put("/opt/java", jre.toString());
        imagePaths.put("/app/tollgate.jar", JAR.toString());
        imagePaths.put("/etc/tollgate/config.yaml", config.toString());
        imagePaths.put("/tmp", scratch.toString());
        List<String> command = new ArrayList<>();
        for (String arg : DockerfileTest.dockerfile().commandLine()) {
            command.add(mapImagePath(arg, imagePaths));
        }
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (log) {
                        log.append(line).append('\n');
                    }
                    if (line.startsWith("tollgate listening ")) {
                        listening.complete(line);
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new AssertionError("the server exited before listening"));
        });
        try {
            String line;
            try {
                line = listening.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                synchronized (log) {
                    throw new AssertionError("no listening line; command " + command + "\n" + log, e);
                }
            }
            Matcher ports = Pattern.compile("grpc=127\\.0\\.0\\.1:(\\d+) http=127\\.0\\.0\\.1:\\d+ admin=127\\.0\\.0\\.1:(\\d+)").matcher(line);
            assertTrue(ports.find(), line);
            int grpcPort = Integer.parseInt(ports.group(1));
            int adminPort = Integer.parseInt(ports.group(2));

            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + adminPort + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("\"bank-a\"") && ready.body().contains("\"bank-b\""), ready.body());
            }

            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, InsecureChannelCredentials.create()).build();
            try {
                var stub = AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                // bank-a's data.json: api-ms may GET transaction-ms /transactions/**, audit-ms may not POST /transfer.
                CheckResponse allowed = stub.check(check("api-ms", "GET", "/transactions/2026/11"));
                assertEquals(Status.Code.OK.value(), allowed.getStatus().getCode(), allowed.toString());
                assertEquals("bank-a", metadata(allowed, "tenant"));
                assertTrue(metadata(allowed, "policy_revision").startsWith("sha256:"));

                CheckResponse denied = AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .check(check("audit-ms", "POST", "/transfer"));
                assertEquals(Status.Code.PERMISSION_DENIED.value(), denied.getStatus().getCode(), denied.toString());
                assertEquals("policy_denied", metadata(denied, "reason"));
            } finally {
                channel.shutdownNow();
            }
        } finally {
            server.destroy(); // SIGTERM, as the kubelet sends
            boolean exited = server.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                server.destroyForcibly();
            }
            reader.join(10_000);
            assertTrue(exited, "the server stops on SIGTERM");
        }
    }

    /** An argument that is (or ends in "=") an image path, rewritten to its local path; others unchanged. */
    private static String mapImagePath(String arg, Map<String, String> imagePaths) {
        int eq = arg.indexOf('=');
        String prefix = arg.startsWith("/") ? "" : arg.substring(0, eq + 1);
        String value = arg.substring(prefix.length());
        if (!value.startsWith("/")) {
            return arg;
        }
        for (var e : imagePaths.entrySet()) {
            if (value.equals(e.getKey()) || value.startsWith(e.getKey() + "/")) {
                return prefix + e.getValue() + value.substring(e.getKey().length());
            }
        }
        throw new AssertionError("the image command line uses " + value + ", which this test does not map to a local path");
    }

    private static CheckRequest check(String callerAccount, String method, String path) {
        var peer = (java.util.function.Function<String, AttributeContext.Peer>) principal -> AttributeContext.Peer.newBuilder()
                .setPrincipal(principal)
                .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("10.0.0.1").setPortValue(443)))
                .build();
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(peer.apply("spiffe://cluster.local/ns/bank-a/sa/" + callerAccount))
                .setDestination(peer.apply("spiffe://cluster.local/ns/bank-a/sa/transaction-ms"))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setId("1").setMethod(method).setPath(path).setHost("transaction-ms.bank-a.svc.cluster.local")
                        .setScheme("http").setProtocol("HTTP/1.1")
                        .putHeaders(":method", method).putHeaders(":path", path)
                        .putHeaders(":authority", "transaction-ms.bank-a.svc.cluster.local"))))
                .build();
    }

    private static String metadata(CheckResponse r, String key) {
        Value v = r.getDynamicMetadata().getFieldsMap().get(key);
        return v == null ? null : v.getStringValue();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
