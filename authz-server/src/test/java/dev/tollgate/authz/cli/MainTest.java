package dev.tollgate.authz.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void serveHelpExplainsEveryOption() {
        CliRun r = run("serve", "--help");
        assertEquals(0, r.exit());
        for (String option : new String[] {"--config", "--policies", "--grpc-port", "--http-port", "--admin-port", "--bind",
                "--tls-cert", "--tls-key", "--tls-client-ca"}) {
            assertTrue(r.out().contains(option), option + " missing from:\n" + r.out());
        }
    }

    @Test
    void topLevelHelpListsServe() {
        CliRun r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("serve"));
    }

    @Test
    void badConfigFileIsAnErrorNotAStackTrace() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "grpc:\n  prot: 1\n");
        CliRun r = run("serve", "--config", file.toString());
        assertEquals(2, r.exit());
        assertEquals("tollgate: " + file + ": unknown key 'grpc.prot'", r.err().strip());
    }

    @Test
    void badRedisSettingsNameTheFileAndKey() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "rate_limits:\n  redis: {host: redis.local, port: 0}\n");
        CliRun r = run("serve", "--config", file.toString());
        assertEquals(2, r.exit());
        assertEquals("tollgate: " + file + ": rate_limits: redis.port: expected a whole number from 1 to 65535, got number 0",
                r.err().strip());
    }

    @Test
    void decisionLogFileThatCannotBeOpenedStopsStartup() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Path log = dir.resolve("missing-dir/decisions.jsonl");
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "decision_log:\n  output: " + log + "\n");
        CliRun r = run("serve", "--config", file.toString(), "--policies", dir.resolve("policies").toString(),
                "--grpc-port", "0", "--http-port", "0", "--admin-port", "0", "--bind", "127.0.0.1");
        assertEquals(2, r.exit());
        assertEquals("tollgate: decision_log.output: cannot open " + log + " (its directory does not exist)",
                r.err().strip());
    }

    @Test
    void missingPoliciesDirectory() {
        CliRun r = run("serve", "--policies", dir.resolve("none").toString(), "--grpc-port", "0", "--http-port", "0", "--admin-port", "0");
        assertEquals(2, r.exit());
        assertEquals("tollgate: policies directory " + dir.resolve("none") + " does not exist", r.err().strip());
    }

    @Test
    void flagsOverrideTheConfigFile() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "grpc:\n  port: 1234\nadmin:\n  port: 2345\n");
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--config", file.toString(), "--grpc-port", "0", "--bind", "127.0.0.1",
                "--policies", "elsewhere");
        ServerConfig c = serve.effectiveConfig();
        assertEquals(new ServerConfig.Listener("127.0.0.1", 0), c.grpc());
        assertEquals(new ServerConfig.Listener("127.0.0.1", 2345), c.admin());
        assertEquals(new ServerConfig.Listener("127.0.0.1", 9192), c.http().listener());
        assertEquals(Path.of("elsewhere"), c.policiesDir());
        assertEquals(Optional.empty(), c.tls().certFile());
    }
}
