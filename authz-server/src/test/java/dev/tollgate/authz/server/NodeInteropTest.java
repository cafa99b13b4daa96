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
        String missing = installPackages(interop);
        if (missing != null) {
            if (ci) {
                fail(missing);
            }
            assumeTrue(false, missing);
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

    /**
     * Installs interop/'s locked packages with npm when node_modules is missing, so the test runs on
     * a fresh clone. Returns why it cannot run (no node or npm, or npm failed), or null.
     */
    private static String installPackages(Path interop) throws IOException, InterruptedException {
        if (Files.isDirectory(interop.resolve("node_modules"))) {
            return null;
        }
        for (String tool : List.of("node", "npm")) {
            if (!onPath(tool)) {
                return tool + " is not installed: install Node.js and npm to run the Node interop test";
            }
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(interop.toFile()).redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(300, TimeUnit.SECONDS)) {
            npm.destroyForcibly();
            return "'npm ci' in " + interop + " did not finish in 300 s: " + output;
        }
        if (npm.exitValue() != 0 || !Files.isDirectory(interop.resolve("node_modules"))) {
            return "'npm ci' in " + interop + " failed (exit " + npm.exitValue() + "): " + output;
        }
        return null;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
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
