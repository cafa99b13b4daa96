package dev.tollgate.authz.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.ratelimit.RedisSettings;
import dev.tollgate.authz.telemetry.DecisionLogSettings;
import dev.tollgate.authz.tenant.TenantRouting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDefaults() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals(9191, c.grpc().port());
        assertEquals(8181, c.admin().port());
        assertEquals(Path.of("policies"), c.policiesDir());
        assertEquals(List.of(IdentitySource.PRINCIPAL, IdentitySource.CERTIFICATE, IdentitySource.XFCC,
                IdentitySource.PEER_CERTIFICATE), c.identity().sources());
        assertEquals(false, c.identity().trustXfcc());
        assertEquals(Optional.empty(), c.tenancy().defaultTenant());
        assertEquals("x-tollgate-reason", c.responseHeaders().reason());
        assertEquals(false, c.tls().enabled());
    }

    @Test
    void fileOverridesDefaults() throws Exception {
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                grpc:
                  port: 0
                identity:
                  sources: [xfcc, principal]
                  trust_xfcc: true
                  trust_domains: [cluster.local]
                tenancy:
                  namespaces: {bank-a-prod: bank-a}
                  default_tenant: bank-b
                """);
        ServerConfig c = ServerConfig.load(Optional.of(file));
        assertEquals(0, c.grpc().port());
        assertEquals(8181, c.admin().port());
        assertEquals(List.of(IdentitySource.XFCC, IdentitySource.PRINCIPAL), c.identity().sources());
        assertTrue(c.identity().trustDomains().contains("cluster.local"));
        assertEquals("bank-a", c.tenancy().namespaces().get("bank-a-prod"));
        assertEquals(Optional.of("bank-b"), c.tenancy().defaultTenant());
        assertEquals(List.of(TenantRouting.Source.DESTINATION_PRINCIPAL, TenantRouting.Source.CONTEXT_EXTENSION,
                TenantRouting.Source.HOST), c.tenancy().sources());
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("grpc:\n  prot: 1\n", "unknown key 'grpc.prot'"),
                Arguments.of("colour: blue\n", "unknown key 'colour'"),
                Arguments.of("grpc:\n  port: 70000\n", "key 'grpc.port' must be an integer from 0 to 65535, got 70000"),
                Arguments.of("grpc:\n  port: nine\n", "key 'grpc.port' must be an integer from 0 to 65535, got 'nine'"),
                Arguments.of("grpc: 5\n", "key 'grpc' must be a mapping"),
                Arguments.of("identity:\n  trust_xfcc: yes please\n", "key 'identity.trust_xfcc' must be true or false, got 'yes please'"),
                Arguments.of("identity:\n  sources: [principal, header]\n", "key 'identity.sources': unknown identity source 'header'"),
                Arguments.of("tenancy:\n  sources: [dns]\n", "key 'tenancy.sources': unknown tenant source 'dns'"),
                Arguments.of("tenancy:\n  hosts: {a: [b]}\n", "key 'tenancy.hosts.a' must be a string"),
                Arguments.of("grpc:\n  tls:\n    cert_file: /x.pem\n", "TLS needs both 'grpc.tls.cert_file' and 'grpc.tls.key_file'"),
                Arguments.of("grpc: [\n", "not valid YAML"),
                Arguments.of("- a\n", "top level must be a mapping of keys"),
                Arguments.of("rate_limits:\n  redis: {port: 6379}\n", "rate_limits: redis.host: expected a host name"),
                Arguments.of("rate_limits:\n  redis: {host: r, timeout_ms: 0}\n", "rate_limits: redis.timeout_ms: expected a whole number from 1"),
                Arguments.of("rate_limits:\n  redis: {host: r, tls: true}\n", "rate_limits: redis.tls: unknown key"),
                Arguments.of("rate_limits:\n  memcached: {}\n", "unknown key 'rate_limits.memcached'"),
                Arguments.of("decision_log:\n  sample_allowed: 2\n", "key 'decision_log.sample_allowed' must be a number from 0 to 1, got 2"),
                Arguments.of("decision_log:\n  output: 7\n", "key 'decision_log.output' must be \"off\", stdout or a file path"),
                Arguments.of("decision_log:\n  queue_size: 0\n", "key 'decision_log.queue_size' must be an integer from 1"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFiles")
    void badFilesNameTheFileAndKey(String yaml, String message) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(Optional.of(file)));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void rateLimitRedisAndDecisionLog() throws Exception {
        ServerConfig d = ServerConfig.defaults();
        assertEquals(Optional.empty(), d.redis());
        assertEquals(false, d.decisionLog().enabled());
        Path file = dir.resolve("tollgate.yaml");
        Files.writeString(file, """
                rate_limits:
                  redis: {host: redis.tollgate, port: 6380, timeout_ms: 20, key_prefix: "prod:"}
                decision_log:
                  output: /var/log/tollgate/decisions.jsonl
                  sample_allowed: 0.25
                  queue_size: 500
                """);
        ServerConfig c = ServerConfig.load(Optional.of(file));
        RedisSettings redis = c.redis().orElseThrow();
        assertEquals("redis.tollgate", redis.host());
        assertEquals(6380, redis.port());
        assertEquals(java.time.Duration.ofMillis(20), redis.timeout());
        assertEquals("prod:", redis.keyPrefix());
        assertEquals(new DecisionLogSettings(true, Optional.of(Path.of("/var/log/tollgate/decisions.jsonl")), 0.25, 500),
                c.decisionLog());
        Files.writeString(file, "decision_log:\n  output: stdout\n");
        assertEquals(new DecisionLogSettings(true, Optional.empty(), 1.0, 10_000),
                ServerConfig.load(Optional.of(file)).decisionLog());
        // YAML 1.1 reads an unquoted off as false; it still means off.
        Files.writeString(file, "decision_log:\n  output: off\n");
        assertEquals(false, ServerConfig.load(Optional.of(file)).decisionLog().enabled());
    }

    @Test
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(Optional.of(dir.resolve("nope.yaml"))));
        assertEquals(dir.resolve("nope.yaml") + ": config file not found", e.getMessage());
    }
}
