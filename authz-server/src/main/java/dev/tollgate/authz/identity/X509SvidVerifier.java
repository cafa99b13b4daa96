package dev.tollgate.authz.identity;

import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Verifies a leaf certificate as an X.509-SVID (SPIFFE X.509-SVID specification, sections 4 and 5)
 * against the bundle of the trust domain its SPIFFE ID names. Every failure is an
 * {@link IllegalArgumentException} whose message says precisely what is wrong.
 */
final class X509SvidVerifier {
    // KeyUsage bit positions (RFC 5280 4.2.1.3).
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private X509SvidVerifier() {
    }

    /** The SVID's SPIFFE ID, once every check passed. */
    static SpiffeId verify(X509Certificate leaf, TrustBundles.Snapshot bundles, Instant now) {
        SpiffeId id = SpiffeIdParser.parse(Certificates.spiffeUri(leaf));
        if (leaf.getBasicConstraints() >= 0) {
            throw new IllegalArgumentException("X.509-SVID leaf is a CA certificate (basic constraints cA=true)");
        }
        boolean[] usage = leaf.getKeyUsage();
        if (usage == null || !usage[DIGITAL_SIGNATURE]) {
            throw new IllegalArgumentException("X.509-SVID leaf lacks the digitalSignature key usage");
        }
        if (usage.length > KEY_CERT_SIGN && usage[KEY_CERT_SIGN] || usage.length > CRL_SIGN && usage[CRL_SIGN]) {
            throw new IllegalArgumentException("X.509-SVID leaf has the keyCertSign or cRLSign key usage");
        }
        Date at = Date.from(now);
        if (at.after(leaf.getNotAfter())) {
            throw new IllegalArgumentException("X.509-SVID expired at " + leaf.getNotAfter().toInstant());
        }
        if (at.before(leaf.getNotBefore())) {
            throw new IllegalArgumentException("X.509-SVID is not valid before " + leaf.getNotBefore().toInstant());
        }
        TrustBundle bundle = bundles.get(id.trustDomain()).orElseThrow(() -> new IllegalArgumentException(
                "no trust bundle for trust domain '" + id.trustDomain() + "' (foreign trust domain)"));
        if (bundle.anchors().isEmpty()) {
            throw new IllegalArgumentException("the bundle of trust domain '" + id.trustDomain()
                    + "' has no X.509 authorities");
        }
        try {
            PKIXParameters params = new PKIXParameters(bundle.anchors());
            params.setRevocationEnabled(false);
            params.setDate(at);
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
        } catch (CertPathValidatorException e) {
            throw new IllegalArgumentException("X.509-SVID is not signed by an authority of trust domain '"
                    + id.trustDomain() + "' (unknown authority)");
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException
                 | java.security.cert.CertificateException e) {
            throw new IllegalStateException("PKIX validation is unavailable", e);
        }
        return id;
    }
}
