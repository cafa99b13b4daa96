package dev.tollgate.authz.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.identity.IdentitySource;
import dev.tollgate.authz.ratelimit.RedisSettings;
import dev.tollgate.authz.telemetry.DecisionLogSettings;
import dev.tollgate.authz.policy.BundleTenant;
import dev.tollgate.authz.policy.ReloadOptions;
import dev.tollgate.authz.policy.bundle.FileBundleSource;
import dev.tollgate.authz.policy.bundle.HttpBundleSource;
import dev.tollgate.authz.policy.bundle.VerificationConfig;
import dev.tollgate.authz.tenant.TenantRouting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        assertEquals(true, c.http().enabled());
        assertEquals(new ServerConfig.Listener("0.0.0.0", 9192), c.http().listener());
        assertEquals(false, c.tracing().enabled());
        assertEquals(false, c.tracing().includeCaller());
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
        assertEquals(List.of(TenantRouting.Source.DESTINATION_PRINCIPAL, TenantRouting.Source.DESTINATION_TRUST_DOMAIN,
                TenantRouting.Source.CONTEXT_EXTENSION, TenantRouting.Source.HOST), c.tenancy().sources());
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("grpc:\n  prot: 1\n", "unknown key 'grpc.prot'"),
                Arguments.of("colour: blue\n", "unknown key 'colour'"),
                Arguments.of("grpc:\n  port: 70000\n", "key 'grpc.port' must be an integer from 0 to 65535, got 70000"),
                Arguments.of("grpc:\n  port: nine\n", "key 'grpc.port' must be an integer from 0 to 65535, got 'nine'"),
                Arguments.of("grpc: 5\n", "key 'grpc' must be a mapping"),
                Arguments.of("http:\n  prot: 1\n", "unknown key 'http.prot'"),
                Arguments.of("http:\n  port: -1\n", "key 'http.port' must be an integer from 0 to 65535, got -1"),
                Arguments.of("http:\n  enabled: maybe\n", "key 'http.enabled' must be true or false, got 'maybe'"),
                Arguments.of("http:\n  max_header_bytes: 10\n", "key 'http.max_header_bytes' must be an integer from 1024"),
                Arguments.of("http:\n  check_threads: 0\n", "key 'http.check_threads' must be an integer from 1 to 1024"),
                Arguments.of("tracing:\n  enabled: 1\n", "key 'tracing.enabled' must be true or false, got 1"),
                Arguments.of("tracing:\n  exporter: otlp\n", "unknown key 'tracing.exporter'"),
                Arguments.of("identity:\n  trust_xfcc: yes please\n", "key 'identity.trust_xfcc' must be true or false, got 'yes please'"),
                Arguments.of("identity:\n  sources: [principal, header]\n", "key 'identity.sources': unknown identity source 'header'"),
                Arguments.of("tenancy:\n  sources: [dns]\n", "key 'tenancy.sources': unknown tenant source 'dns'"),
                Arguments.of("tenancy:\n  trust_domains: {bank-a: [b]}\n", "key 'tenancy.trust_domains.bank-a' must be a string"),
                Arguments.of("identity:\n  require_verified: true\n", "'identity.require_verified' needs 'identity.trust_bundles'"),
                Arguments.of("identity:\n  trust_bundles: {Bank_A: /b.pem}\n", "key 'identity.trust_bundles.Bank_A' is not a trust domain"),
                Arguments.of("identity:\n  sources: [jwt_svid]\n  trust_bundles: {bank-a: /b.json}\n", "the jwt_svid identity source needs 'identity.jwt_svid.audiences'"),
                Arguments.of("identity:\n  sources: [jwt_svid]\n  jwt_svid: {audiences: [t]}\n", "the jwt_svid identity source needs 'identity.trust_bundles'"),
                Arguments.of("identity:\n  jwt_svid: {algorithms: [HS256]}\n", "algorithm 'HS256' is not allowed for JWT-SVIDs"),
                Arguments.of("identity:\n  jwt_svid: {algorithms: [none]}\n", "algorithm 'none' is not allowed for JWT-SVIDs"),
                Arguments.of("identity:\n  trust_bundle_poll_ms: 5\n", "key 'identity.trust_bundle_poll_ms' must be an integer from 100"),
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
                Arguments.of("decision_log:\n  queue_size: 0\n", "key 'decision_log.queue_size' must be an integer from 1"),
                Arguments.of("policies:\n  debounce_ms: -1\n", "key 'policies.debounce_ms' must be an integer from 0"),
                Arguments.of("policies:\n  poll_interval_ms: 0\n", "key 'policies.poll_interval_ms' must be an integer from 100"),
                Arguments.of("tenants:\n  bank-c: {}\n", "key 'tenants.bank-c.bundle' is required"),
                Arguments.of("tenants:\n  shared:\n    bundle: {path: /b}\n", "key 'tenants.shared': tenant names"),
                Arguments.of("tenants:\n  bank-c:\n    colour: red\n    bundle: {path: /b}\n", "key 'tenants.bank-c': unknown key 'colour'"),
                Arguments.of("tenants:\n  bank-c:\n    evaluation: {max_steps: 0}\n    bundle: {path: /b}\n", "evaluation.max_steps"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {url: ftp://x/b.tar.gz}\n", "key 'tenants.bank-c.bundle.url': bundle url must be http or https"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {url: http://x/b, path: /b}\n", "key 'tenants.bank-c.bundle' needs exactly one of 'url' and 'path'"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {path: /b, etag: x}\n", "unknown key 'tenants.bank-c.bundle.etag'"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {path: /b, polling: {min_delay_seconds: 0}}\n", "key 'tenants.bank-c.bundle.polling.min_delay_seconds' must be a whole number of seconds"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {path: /b, polling: {min_delay_seconds: 9, max_delay_seconds: 3}}\n", "max_delay_seconds is less than min_delay_seconds"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {path: /b, signing: {keyid: k}}\n", "key 'tenants.bank-c.bundle.signing' needs verification keys under 'keys'"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {path: /b, signing: {keyid: other}}\nkeys:\n  k: {algorithm: HS256, key: secret}\n", "key id 'other' is not among the configured keys [k]"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {path: /b, credentials: {bearer: {token: t}}}\n", "key 'tenants.bank-c.bundle.credentials' applies to 'url' bundles only"),
                Arguments.of("tenants:\n  bank-c:\n    bundle: {url: http://x/b, credentials: {bearer: {token: t, token_path: /f}}}\n", "needs exactly one of 'token' and 'token_path'"),
                Arguments.of("keys:\n  k: {algorithm: RS256}\n", "key 'keys.k' needs exactly one of 'key' and 'key_file'"),
                Arguments.of("keys:\n  k: {algorithm: RS256, key: not-a-pem}\n", "key 'keys.k': "),
                Arguments.of("keys:\n  k: {algorithm: HS256, key: s, kid: x}\n", "unknown key 'keys.k.kid'"),
                Arguments.of("decision_log:\n  include_input: sometimes\n", "key 'decision_log.include_input' must be true or false"),
                Arguments.of("decision_log:\n  mask_headers: [authorization, \"x y\"]\n", "key 'decision_log.mask_headers' must list header names, got 'x y'"),
                Arguments.of("decision_log:\n  mask_headers: authorization\n", "key 'decision_log.mask_headers' must be a list of strings"),
                Arguments.of("decision_log:\n  max_file_bytes: -1\n", "key 'decision_log.max_file_bytes' must be an integer from 0"),
                Arguments.of("decision_log:\n  max_files: 1001\n", "key 'decision_log.max_files' must be an integer from 0 to 1000"),
                Arguments.of("candidates:\n  queue_size: 0\n", "key 'candidates.queue_size' must be an integer from 1"),
                Arguments.of("candidates:\n  colour: red\n", "unknown key 'candidates.colour'"),
                Arguments.of("candidates:\n  tenants:\n    bank-a: {sample: 0.5}\n", "key 'candidates.tenants.bank-a.policies' is required"),
                Arguments.of("candidates:\n  tenants:\n    bank-a: {policies: /no/such/dir}\n", "key 'candidates.tenants.bank-a.policies': directory /no/such/dir does not exist"),
                Arguments.of("candidates:\n  tenants:\n    bank-a: {policies: /, sample: 2}\n", "key 'candidates.tenants.bank-a.sample' must be a number from 0 to 1"),
                Arguments.of("candidates:\n  tenants:\n    bank-a: {policies: /, dir: /}\n", "unknown key 'candidates.tenants.bank-a.dir' (known: policies, sample)"),
                Arguments.of("candidates:\n  tenants:\n    shared: {policies: /}\n", "key 'candidates.tenants.shared': tenant names"),
                Arguments.of("candidates:\n  tenants: [bank-a]\n", "key 'candidates.tenants' must be a mapping"));
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
        Files.writeString(file, """
                decision_log:
                  output: /var/log/tollgate/decisions.jsonl
                  include_input: true
                  mask_headers: [authorization, x-api-key]
                  max_file_bytes: 1048576
                  max_files: 3
                candidates:
                  queue_size: 50
                  tenants:
                    bank-a: {policies: %s, sample: 0.1}
                """.formatted(dir));
        ServerConfig rollout = ServerConfig.load(Optional.of(file));
        assertEquals(new DecisionLogSettings(true, Optional.of(Path.of("/var/log/tollgate/decisions.jsonl")), 1.0,
                10_000, true, List.of("authorization", "x-api-key"), 1_048_576, 3), rollout.decisionLog());
        assertEquals(new dev.tollgate.authz.rollout.CandidateConfig(50,
                List.of(new dev.tollgate.authz.rollout.CandidateConfig.Tenant("bank-a", dir, 0.1))),
                rollout.candidates());
        assertTrue(d.candidates().isEmpty());
        assertEquals(new DecisionLogSettings(true, Optional.empty(), 1.0, 1, false,
                List.of("authorization", "cookie", "proxy-authorization"), 0, 5).withInput(false,
                DecisionLogSettings.DEFAULT_MASK_HEADERS), new DecisionLogSettings(true, Optional.empty(), 1.0, 1));
        // YAML 1.1 reads an unquoted off as false; it still means off.
        Files.writeString(file, "decision_log:\n  output: off\n");
        assertEquals(false, ServerConfig.load(Optional.of(file)).decisionLog().enabled());
    }

    @Test
    void bundleTenantsAndKeys() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "t0ken\n");
        Path file = dir.resolve("bundles.yaml");
        Files.writeString(file, """
                policies: {watch: false, debounce_ms: 100, poll_interval_ms: 2000}
                tenants:
                  bank-c:
                    entrypoint: envoy/authz/result
                    evaluation: {timeout_ms: 50}
                    bundle:
                      url: https://bundles.example/bank-c.tar.gz
                      polling: {min_delay_seconds: 10, max_delay_seconds: 20}
                      credentials: {bearer: {token_path: %s}}
                      signing: {keyid: k1, scope: write}
                  bank-d:
                    bundle: {path: /bundles/bank-d.tar.gz}
                keys:
                  k1: {algorithm: HS256, key: a-secret}
                """.formatted(token));
        ServerConfig c = ServerConfig.load(Optional.of(file));
        assertEquals(new ReloadOptions(false, Duration.ofMillis(100), Duration.ofSeconds(2)), c.reload());
        assertEquals(2, c.bundleTenants().size());
        BundleTenant bankC = c.bundleTenants().get(0);
        assertEquals("bank-c", bankC.name());
        assertEquals("envoy/authz/result", bankC.settings().entrypoint());
        assertEquals(Duration.ofMillis(50), bankC.settings().evaluation().timeout());
        HttpBundleSource http = (HttpBundleSource) bankC.source();
        assertEquals("https://bundles.example/bank-c.tar.gz", http.url().toString());
        assertEquals(Duration.ofSeconds(10), http.minDelay());
        assertEquals(Duration.ofSeconds(20), http.maxDelay());
        assertEquals(Optional.of(token), http.bearerTokenFile());
        VerificationConfig v = bankC.options().verification().orElseThrow();
        assertEquals("k1", v.keyId());
        assertEquals("write", v.scope());
        assertEquals("HS256", v.keys().get("k1").algorithm());
        BundleTenant bankD = c.bundleTenants().get(1);
        assertEquals(Path.of("/bundles/bank-d.tar.gz"), ((FileBundleSource) bankD.source()).path());
        assertTrue(bankD.options().verification().isEmpty());
        assertEquals(ServerConfig.defaults().reload(), ReloadOptions.DEFAULTS);
        assertEquals(List.of(), ServerConfig.defaults().bundleTenants());
    }

    @Test
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(Optional.of(dir.resolve("nope.yaml"))));
        assertEquals(dir.resolve("nope.yaml") + ": config file not found", e.getMessage());
    }
}
