package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http.send's TLS options against a loopback HTTPS server with a self-signed certificate. */
class HttpSendTlsTest {
  @TempDir static Path dir;
  private static HttpsServer server;
  private static String url;
  private static String certPem;

  private static final BuiltinContext.Capabilities ENABLED =
      new BuiltinContext.Capabilities(true, Set.of(), false, Map.of());

  @BeforeAll
  static void start() throws Exception {
    Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow())
        .resolveSibling("keytool");
    Path store = dir.resolve("server.p12");
    run(List.of(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", "changeit"));
    Path cert = dir.resolve("server.pem");
    run(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "server",
        "-keystore", store.toString(), "-storepass", "changeit", "-file", cert.toString()));
    certPem = Files.readString(cert);

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.createContext("/", ex -> {
      byte[] body = "{\"secure\":true}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    url = "https://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static Value send(ObjectValue.Builder request) throws BuiltinException {
    return TestContext.call(new TestContext(ENABLED, 1), "http.send",
        request.put("method", "get").put("url", url).build());
  }

  @Test
  void untrustedCertificateIsAnError() {
    BuiltinException e = assertThrows(BuiltinException.class, () -> send(ObjectValue.builder()));
    assertTrue(e.getMessage().startsWith("Get \"" + url + "\": "), e.getMessage());
  }

  @Test
  void insecureSkipVerifyAcceptsIt() throws BuiltinException {
    Value r = send(ObjectValue.builder().put("tls_insecure_skip_verify", Json.parse("true")));
    assertEquals("{\"secure\":true}", ((ObjectValue) r).get("body").toJson());
  }

  @Test
  void caCertificateFromTheRequestIsTrusted() throws BuiltinException {
    Value r = send(ObjectValue.builder().put("tls_ca_cert", StringValue.of(certPem)));
    assertEquals("200", ((ObjectValue) r).get("status_code").toJson());
  }

  @Test
  void caCertificateFromAFileIsTrusted() throws BuiltinException {
    Value r = send(ObjectValue.builder()
        .put("tls_ca_cert_file", StringValue.of(dir.resolve("server.pem").toString())));
    assertEquals("200", ((ObjectValue) r).get("status_code").toJson());
  }

  @Test
  void badCaPemIsAnError() {
    BuiltinException e = assertThrows(BuiltinException.class,
        () -> send(ObjectValue.builder().put("tls_ca_cert", StringValue.of("not a pem"))));
    assertTrue(e.getMessage().startsWith("tls: ") || e.getMessage().contains("certificates"),
        e.getMessage());
  }
}
