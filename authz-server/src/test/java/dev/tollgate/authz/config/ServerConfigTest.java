package dev.tollgate.authz.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.authz.identity.IdentitySource;
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
                Arguments.of("- a\n", "top level must be a mapping of keys"));
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
    void missingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(Optional.of(dir.resolve("nope.yaml"))));
        assertEquals(dir.resolve("nope.yaml") + ": config file not found", e.getMessage());
    }
}
