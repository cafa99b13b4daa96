package dev.tollgate.authz.testsupport;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throwaway PKI made at test time with the JDK's keytool: a CA, a server certificate for
 * localhost/127.0.0.1 and client certificates carrying SPIFFE URI SANs. Made once per JVM.
 */
public final class TestPki {
    public static final String CLIENT_ID = "spiffe://cluster.local/ns/bank-a/sa/teller";
    private static final String PASS = "changeit";
    private static TestPki instance;

    public final Path dir;
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    /** A client certificate with two URI SANs (not a valid X509-SVID). */
    public final Path twoUriCert;

    private TestPki(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Tollgate Test CA",
                "-ext", "bc:c", "-validity", "3", "-keystore", "ca.p12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        caCert = dir.resolve("ca.pem");
        serverCert = leaf("server", "CN=localhost", "san=dns:localhost,ip:127.0.0.1");
        serverKey = dir.resolve("server.key");
        clientCert = leaf("client", "CN=teller", "san=uri:" + CLIENT_ID);
        clientKey = dir.resolve("client.key");
        twoUriCert = leaf("two", "CN=two", "san=uri:spiffe://cluster.local/ns/a/sa/b,uri:spiffe://cluster.local/ns/c/sa/d");
    }

    public static synchronized TestPki get() {
        if (instance == null) {
            try {
                instance = new TestPki(Files.createTempDirectory("tollgate-pki"));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("cannot create test PKI with keytool", e);
            }
        }
        return instance;
    }

    private Path leaf(String name, String dname, String san) throws IOException, InterruptedException {
        String store = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "3", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", name + ".csr",
                "-outfile", name + ".pem", "-validity", "3", "-ext", san);
        writeKey(dir.resolve(store), name, dir.resolve(name + ".key"));
        return dir.resolve(name + ".pem");
    }

    private void writeKey(Path store, String alias, Path out) throws IOException {
        try (InputStream in = new FileInputStream(store.toFile())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            Key key = ks.getKey(alias, PASS.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(out, pem);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASS, "-keypass", PASS, "-storetype", "PKCS12", "-noprompt"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    public static X509Certificate read(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate as Envoy puts it in {@code attributes.source.certificate}. */
    public static String urlEncodedPem(Path pem) {
        try {
            return URLEncoder.encode(Files.readString(pem), StandardCharsets.UTF_8).replace("+", "%20");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
