package dev.tollgate.authz.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * X.509-SVIDs and trust-domain CAs made at test time (EC P-256, BouncyCastle), good ones and
 * every kind of bad one the X.509-SVID specification rules out.
 */
public final class TestSvids {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private TestSvids() {
    }

    /** A certificate with its key. */
    public record Issued(X509Certificate certificate, PrivateKey key, KeyPair keys) {
        public String pem() {
            return TestSvids.pem(certificate);
        }

        /** As Envoy puts it in {@code attributes.source.certificate}. */
        public String urlEncodedPem() {
            return URLEncoder.encode(pem(), StandardCharsets.UTF_8).replace("+", "%20");
        }

        public String keyPem() {
            return TestSvids.pem(key);
        }
    }

    /** What goes into a leaf; {@link #svid(String)} is a valid X.509-SVID's. */
    public record LeafSpec(List<String> uris, Instant notBefore, Instant notAfter, boolean ca, int keyUsage) {
        public static LeafSpec svid(String spiffeId) {
            Instant now = Instant.now();
            return new LeafSpec(List.of(spiffeId), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)),
                    false, KeyUsage.digitalSignature);
        }

        public LeafSpec withUris(String... values) {
            return new LeafSpec(List.of(values), notBefore, notAfter, ca, keyUsage);
        }

        public LeafSpec validity(Instant from, Instant to) {
            return new LeafSpec(uris, from, to, ca, keyUsage);
        }

        public LeafSpec asCa() {
            return new LeafSpec(uris, notBefore, notAfter, true, KeyUsage.keyCertSign | KeyUsage.cRLSign);
        }

        public LeafSpec keyUsage(int usage) {
            return new LeafSpec(uris, notBefore, notAfter, ca, usage);
        }
    }

    public static KeyPair ecKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A trust domain's root CA: self-signed, carrying the trust domain's SPIFFE ID. */
    public static Issued ca(String trustDomain) {
        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        X500Name name = new X500Name("O=SPIFFE, CN=" + trustDomain + " root");
        return build(name, keys, name, keys.getPrivate(), keys,
                new LeafSpec(List.of("spiffe://" + trustDomain), now.minus(Duration.ofDays(1)),
                        now.plus(Duration.ofDays(30)), true, KeyUsage.keyCertSign | KeyUsage.cRLSign), null);
    }

    /** A certificate signed by {@code issuer}. */
    public static Issued leaf(Issued issuer, LeafSpec spec) {
        KeyPair keys = ecKeys();
        X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        return build(new X500Name("O=SPIFFE"), keys, issuerName, issuer.key(), issuer.keys(), spec, issuer);
    }

    /** A self-signed certificate that looks like a leaf of {@code lookAlike}'s trust domain. */
    public static Issued selfSigned(Issued lookAlike, LeafSpec spec) {
        KeyPair keys = ecKeys();
        X500Name issuerName = X500Name.getInstance(lookAlike.certificate().getSubjectX500Principal().getEncoded());
        return build(issuerName, keys, issuerName, keys.getPrivate(), keys, spec, null);
    }

    private static Issued build(X500Name subject, KeyPair keys, X500Name issuerName, PrivateKey signer,
                                KeyPair issuerKeys, LeafSpec spec, Issued issuer) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(spec.notBefore()), Date.from(spec.notAfter()),
                    subject, keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(spec.ca()));
            if (spec.keyUsage() != 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage()));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuer == null ? keys.getPublic() : issuerKeys.getPublic()));
            if (!spec.uris().isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String u : spec.uris()) {
                    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u));
                }
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
            return new Issued(cert, keys.getPrivate(), keys);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make test certificate", e);
        }
    }

    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(object instanceof PrivateKey k
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : object);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Writes {@code pems} (concatenated) to {@code file}. */
    public static Path write(Path file, String... pems) {
        try {
            Files.writeString(file, String.join("", pems));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
