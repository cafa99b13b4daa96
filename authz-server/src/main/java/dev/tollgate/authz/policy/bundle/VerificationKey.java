package dev.tollgate.authz.policy.bundle;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key that bundle signatures are checked against, as in OPA's {@code keys} config: an
 * algorithm (RS256 when not given), the key (an HMAC secret for HS*, otherwise a PEM public key,
 * PKCS#1 RSA public key or X.509 certificate) and an optional scope.
 */
public final class VerificationKey {
  private final JwsAlgorithm algorithm;
  private final Key key;
  private final String scope;

  private VerificationKey(JwsAlgorithm algorithm, Key key, String scope) {
    this.algorithm = algorithm;
    this.key = key;
    this.scope = scope;
  }

  /**
   * Parses a key.
   *
   * @param algorithm JWS algorithm name (HS256/384/512, RS256/384/512, PS256/384/512,
   *     ES256/384/512, EdDSA); null or blank means RS256, as in OPA
   * @param key the secret (HS*) or PEM text
   * @param scope the scope signatures made with this key must carry ({@code ""} for none)
   * @throws IllegalArgumentException naming what is wrong with the key
   */
  public static VerificationKey of(String algorithm, String key, String scope) {
    JwsAlgorithm alg = JwsAlgorithm.byName(
        algorithm == null || algorithm.isBlank() ? "RS256" : algorithm.trim().toUpperCase(Locale.ROOT)
            .replace("EDDSA", "EdDSA"));
    Objects.requireNonNull(key, "key");
    return new VerificationKey(alg, parse(alg, key), scope == null ? "" : scope);
  }

  public String algorithm() {
    return algorithm.jwsName;
  }

  public String scope() {
    return scope;
  }

  JwsAlgorithm jwsAlgorithm() {
    return algorithm;
  }

  Key key() {
    return key;
  }

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private static Key parse(JwsAlgorithm alg, String text) {
    if (alg.family == JwsAlgorithm.Family.HMAC) {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("HMAC secret for " + alg.jwsName + " is empty");
      }
      return new SecretKeySpec(text.getBytes(StandardCharsets.UTF_8), alg.jdkName);
    }
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      throw new IllegalArgumentException(
          alg.jwsName + " needs a PEM public key or certificate; no PEM block found");
    }
    String type = m.group(1);
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PEM block '" + type + "' is not valid base64");
    }
    PublicKey key;
    try {
      key = switch (type) {
        case "PUBLIC KEY" -> KeyFactory.getInstance(alg.keyFactory)
            .generatePublic(new X509EncodedKeySpec(der));
        case "RSA PUBLIC KEY" -> pkcs1(der);
        case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        default -> throw new IllegalArgumentException("PEM block '" + type
            + "' is not supported for verification (use PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)");
      };
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
          && iae.getMessage().startsWith("PEM block")) {
        throw iae;
      }
      throw new IllegalArgumentException("PEM block '" + type + "' is not a valid "
          + alg.keyFactory + " public key for " + alg.jwsName + ": " + e.getMessage());
    }
    boolean fits = switch (alg.family) {
      case RSA -> key instanceof RSAPublicKey;
      case EC -> key instanceof ECPublicKey ec
          && ec.getParams().getCurve().getField().getFieldSize() == alg.ecFieldBits;
      case EDDSA -> key instanceof EdECPublicKey;
      case HMAC -> false;
    };
    if (!fits) {
      throw new IllegalArgumentException("the " + key.getAlgorithm() + " key does not fit "
          + alg.jwsName);
    }
    return key;
  }

  /** PKCS#1 RSAPublicKey: SEQUENCE { INTEGER modulus, INTEGER exponent }. */
  private static PublicKey pkcs1(byte[] der) throws GeneralSecurityException {
    Der d = new Der(der);
    d.expect(0x30);
    d.length();
    BigInteger n = d.integer();
    BigInteger e = d.integer();
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
  }

  private static final class Der {
    private final byte[] b;
    private int pos;

    Der(byte[] b) {
      this.b = b;
    }

    void expect(int tag) throws GeneralSecurityException {
      if (pos >= b.length || (b[pos++] & 0xff) != tag) {
        throw new GeneralSecurityException("malformed PKCS#1 key");
      }
    }

    int length() throws GeneralSecurityException {
      if (pos >= b.length) {
        throw new GeneralSecurityException("malformed PKCS#1 key");
      }
      int first = b[pos++] & 0xff;
      if (first < 0x80) {
        return first;
      }
      int count = first & 0x7f;
      if (count == 0 || count > 4) {
        throw new GeneralSecurityException("malformed PKCS#1 key");
      }
      int len = 0;
      for (int i = 0; i < count; i++) {
        if (pos >= b.length) {
          throw new GeneralSecurityException("malformed PKCS#1 key");
        }
        len = (len << 8) | (b[pos++] & 0xff);
      }
      if (len < 0 || pos + len > b.length) {
        throw new GeneralSecurityException("malformed PKCS#1 key");
      }
      return len;
    }

    BigInteger integer() throws GeneralSecurityException {
      expect(0x02);
      int len = length();
      byte[] v = new byte[len];
      System.arraycopy(b, pos, v, 0, len);
      pos += len;
      return new BigInteger(v);
    }
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "VerificationKey[" + algorithm.jwsName + ", scope=" + scope + "]";
  }
}
