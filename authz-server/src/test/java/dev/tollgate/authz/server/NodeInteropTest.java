package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Struct;
import dev.tollgate.authz.config.ServerConfig;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A non-Java client (Node, @grpc/grpc-js) calls Check with Envoy's own .proto files, extracted
 * from the jars on the classpath, against the real Netty server.
 */
class NodeInteropTest {
    @TempDir
    Path root;

    static Path repoRoot() {
        String env = System.getenv("TOLLGATE_REPO_ROOT");
        return (env != null ? Path.of(env) : Path.of("").toAbsolutePath().getParent()).normalize();
    }

    @Test
    void nodeClientGetsWellFormedResponses() throws Exception {
        Path interop = repoRoot().resolve("interop");
        boolean ci = "true".equals(System.getenv("CI"));
        if (!Files.isDirectory(interop.resolve("node_modules"))) {
            String message = interop.resolve("node_modules") + " is missing: run 'npm install' in interop/";
            if (ci) {
                fail(message);
            }
            assumeTrue(false, message);
        }
        Path protos = Path.of("target", "interop-protos").toAbsolutePath();
        extractProtos(jarOf(CheckRequest.class), protos);   // envoy, udpa, xds, validate, google/rpc, google/api
        extractProtos(jarOf(Struct.class), protos);         // google/protobuf

        ServerConfig cfg = InProcessServerTest.config(Fixtures.policies(root))
                .withGrpc(new ServerConfig.Listener("127.0.0.1", 0))
                .withAdmin(new ServerConfig.Listener("127.0.0.1", 0));
        TollgateServer server = TollgateServer.start(cfg, Fixtures.engines(), List.of());
        try {
            Process node = new ProcessBuilder("node", "check.js", "127.0.0.1:" + server.grpcPort(), protos.toString())
                    .directory(interop.toFile()).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                fail("node client did not finish: " + output);
            }
            assertEquals(0, node.exitValue(), output);
        } finally {
            server.shutdown();
        }
    }

    private static Path jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void extractProtos(Path jar, Path target) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().endsWith(".proto")) {
                    continue;
                }
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.write(out, in.readAllBytes());
                }
            }
        }
    }
}
