package dev.tollgate.authz.identity;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads URI SANs from certificates: the place an X509-SVID carries its SPIFFE ID. */
public final class Certificates {
    private static final int URI_SAN = 6;

    private Certificates() {
    }

    static X509Certificate fromUrlEncodedPem(String encoded) {
        String pem;
        try {
            pem = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("certificate is not valid URL encoding: " + e.getMessage());
        }
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("certificate is not PEM (no BEGIN CERTIFICATE line)");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("certificate PEM does not parse as X.509");
        }
    }

    /** The single URI SAN of an X509-SVID; more than one, or none, is an error. */
    public static String spiffeUri(X509Certificate certificate) {
        List<String> uris = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && san.get(0) instanceof Integer type && type == URI_SAN) {
                        uris.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("certificate subject alternative names do not parse");
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("certificate has no URI subject alternative name");
        }
        if (uris.size() > 1) {
            throw new IllegalArgumentException("certificate has " + uris.size() + " URI subject alternative names, expected one");
        }
        return uris.getFirst();
    }
}
