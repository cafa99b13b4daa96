package dev.tollgate.authz.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.authz.config.ServerConfig;
import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.rego.RegoEngine;
import dev.tollgate.authz.server.TollgateServer;
import dev.tollgate.authz.testsupport.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP listener with the gRPC listener's TLS files: mTLS, ALPN h2 and http/1.1, peer identity. */
class HttpTlsTest {
    @TempDir
    Path root;

    @Test
    void mtlsClientCertificateIsTheCallerOverH2AndHttp1() throws Exception {
        TestPki pki = TestPki.get();
        Path policies = root.resolve("policies");
        Files.createDirectories(policies.resolve("bank-a"));
        Files.writeString(policies.resolve("bank-a/authz.rego"), """
                package envoy.authz

                import rego.v1

                result := {"allowed": input.identity.namespace == "bank-a",
                           "response_headers_to_add": {"x-caller": input.identity.spiffe_id,
                                                       "x-scheme": input.attributes.request.http.scheme}}
                """);
        Files.writeString(policies.resolve("bank-a/tenant.yaml"), "entrypoint: envoy/authz/result\n");
        Path config = root.resolve("tollgate.yaml");
        Files.writeString(config, """
                grpc:
                  address: 127.0.0.1
                  port: 0
                  tls: {cert_file: %s, key_file: %s, client_ca_file: %s}
                http: {address: 127.0.0.1, port: 0}
                admin: {address: 127.0.0.1, port: 0}
                policies: {watch: false}
                """.formatted(pki.serverCert, pki.serverKey, pki.caCert));
        TollgateServer server = TollgateServer.start(ServerConfig.load(Optional.of(config)).withPoliciesDir(policies),
                Engines.of(new RegoEngine()), List.of());
        try {
            URI uri = URI.create("https://localhost:" + server.httpPort() + "/tenants/bank-a/accounts");
            for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
                try (HttpClient client = HttpClient.newBuilder().version(version).sslContext(ssl(pki, true)).build()) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), r.body());
                    assertEquals(version, r.version());
                    assertEquals(Optional.of(TestPki.CLIENT_ID), r.headers().firstValue("x-caller"));
                    assertEquals(Optional.of("https"), r.headers().firstValue("x-scheme"));
                }
            }
            try (HttpClient anonymous = HttpClient.newBuilder().sslContext(ssl(pki, false)).build()) {
                assertThrows(IOException.class, () -> anonymous.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
        } finally {
            server.shutdown();
        }
    }

    private static SSLContext ssl(TestPki pki, boolean withClientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPki.read(pki.caCert));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCertificate) {
            // The CA-issued certificate with its key (the keytool store holds the self-signed original).
            String pem = Files.readString(pki.clientKey).replaceAll("-----[A-Z ]+-----|\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, "changeit".toCharArray(),
                    new Certificate[] {TestPki.read(pki.clientCert), TestPki.read(pki.caCert)});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "changeit".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
