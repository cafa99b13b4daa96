package dev.tollgate.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The harness's parts: the no-op baseline answers, request files frame correctly, and each
 * workload's request gets from the packaged server the decision the capacity table labels it with
 * (so a policy change cannot silently turn an "allow" workload into a cheap deny).
 */
class WorkloadsTest {
    static final Path REPO = Path.of(System.getenv().getOrDefault("TOLLGATE_REPO_ROOT", "..")).toAbsolutePath().normalize();

    @TempDir
    static Path policies;
    static ServerProcess tollgate;

    @BeforeAll
    static void startTollgate() throws IOException {
        PolicyCopies.copy(REPO.resolve("policies"), policies);
        PolicyCopies.copy(REPO.resolve("load-tests/policies"), policies);
        List<String> command = new java.util.ArrayList<>(ServerProcess.tollgateJar(REPO.resolve("authz-server/target/tollgate.jar")));
        command.addAll(ServerProcess.serveArgs(policies));
        command.addAll(List.of("--config", writeConfig().toString()));
        tollgate = ServerProcess.start(command, "tollgate listening");
    }

    private static Path writeConfig() throws IOException {
        Path config = Files.createTempFile("tollgate-workloads", ".yaml");
        Files.writeString(config, "policies:\n  watch: false\n");
        return config;
    }

    @AfterAll
    static void stopTollgate() throws InterruptedException {
        if (tollgate != null) {
            tollgate.close();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "shop-allow,        allow",
        "bank-b-allow,      allow",
        "bank-b-deny-token, deny invalid_token 401",
    })
    void workloadDecidesAsLabelled(String workload, String expected) throws Exception {
        CheckRequest request = CheckRequests.read(REPO.resolve("load-tests/requests/" + workload + ".json"));
        assertEquals(expected, CheckTool.check(request, "127.0.0.1", tollgate.port("grpc")), tollgate.output());
    }

    @Test
    void noopBaselineAllowsAnything() throws Exception {
        NoopGrpcServer noop = NoopGrpcServer.start(new InetSocketAddress("127.0.0.1", 0));
        try {
            assertEquals("allow", CheckTool.check(CheckRequest.getDefaultInstance(), "127.0.0.1", noop.port()));
            CheckRequest big = CheckRequests.read(REPO.resolve("load-tests/requests/bank-b-deny-token.json"));
            assertEquals("allow", CheckTool.check(big, "127.0.0.1", noop.port()));
        } finally {
            noop.close();
        }
    }

    @Test
    void grpcFrameIsTheLengthPrefixedMessage() throws Exception {
        CheckRequest request = CheckRequests.read(REPO.resolve("load-tests/requests/bank-b-allow.json"));
        byte[] frame = CheckRequests.grpcFrame(request);
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertEquals(0, b.get(), "uncompressed flag");
        int length = b.getInt();
        assertEquals(frame.length - 5, length);
        assertEquals(request, CheckRequest.parseFrom(Arrays.copyOfRange(frame, 5, frame.length)));
        // The workloads are the ~1 KB requests the figures are quoted for.
        assertEquals(true, length > 900 && length < 1600, "frame of " + length + " bytes");
    }

    @Test
    void badRequestFilesAndOptionsAreNamed(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"attributes\": {\"request\": {\"htp\": {}}}}");
        IOException e = assertThrows(IOException.class, () -> CheckRequests.read(bad));
        assertEquals(true, e.getMessage().startsWith(bad + ": not a protojson CheckRequest"), e.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"--prot", "1"}, "port"));
        assertEquals("unknown option '--prot' (options: --port)", u.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Args.parse(new String[] {"--port", "x"}, "port").getInt("port", 0));
    }
}
