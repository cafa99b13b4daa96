package dev.tollgate.rego.builtins;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Key decoding and encoding helpers over the JDK's providers. */
final class Keys {
  static final String RSA_OID = "1.2.840.113549.1.1.1";
  static final String EC_OID = "1.2.840.10045.2.1";
  static final String ED25519_OID = "1.3.101.112";

  /** JOSE curve name to JDK name and DER OID. */
  static final Map<String, String> CURVE_BY_JOSE = Map.of(
      "P-256", "secp256r1", "P-384", "secp384r1", "P-521", "secp521r1");
  static final Map<String, String> CURVE_BY_OID = Map.of(
      "1.2.840.10045.3.1.7", "secp256r1", "1.3.132.0.34", "secp384r1", "1.3.132.0.35", "secp521r1");

  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] ED25519_PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

  private Keys() {}

  /** A public key from a DER SubjectPublicKeyInfo; null for algorithms other than RSA, EC, Ed25519. */
  static PublicKey publicKeyFromSpki(byte[] spki) throws Der.DerException {
    String oid = Der.read(spki).children().get(0).children().get(0).oidString();
    String alg = switch (oid) {
      case RSA_OID -> "RSA";
      case EC_OID -> "EC";
      case ED25519_OID -> "Ed25519";
      default -> null;
    };
    if (alg == null) {
      return null;
    }
    try {
      return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new Der.DerException(e.getMessage());
    }
  }

  static ECParameterSpec ecParams(String jdkCurveName) throws GeneralSecurityException {
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec(jdkCurveName));
    return p.getParameterSpec(ECParameterSpec.class);
  }

  /** Byte length of a field element of the key's curve. */
  static int curveByteLength(ECParameterSpec params) {
    return (params.getCurve().getField().getFieldSize() + 7) / 8;
  }

  static byte[] ed25519PublicBytes(EdECPublicKey key) {
    byte[] enc = key.getEncoded();
    return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
  }

  static PublicKey ed25519Public(byte[] raw) throws GeneralSecurityException {
    byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + raw.length);
    System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
  }

  static PrivateKey ed25519Private(byte[] seed) throws GeneralSecurityException {
    byte[] der = Arrays.copyOf(ED25519_PKCS8_PREFIX, ED25519_PKCS8_PREFIX.length + seed.length);
    System.arraycopy(seed, 0, der, ED25519_PKCS8_PREFIX.length, seed.length);
    return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** Go's ed25519.PrivateKey bytes: the 32-byte seed followed by the public key. */
  static byte[] ed25519PrivateBytes(EdECPrivateKey key) throws GeneralSecurityException {
    byte[] seed = key.getBytes().orElseThrow(() -> new GeneralSecurityException("Ed25519 key has no seed"));
    // The JDK derives the public key when generating from a seed; feed the seed as the randomness.
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    g.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
    EdECPublicKey pub = (EdECPublicKey) g.generateKeyPair().getPublic();
    byte[] out = Arrays.copyOf(seed, 64);
    System.arraycopy(ed25519PublicBytes(pub), 0, out, 32, 32);
    return out;
  }

  /** Hands out fixed bytes: lets the JDK derive a key pair from a known private seed. */
  private static final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedRandom(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      System.arraycopy(bytes, 0, out, 0, Math.min(out.length, bytes.length));
    }
  }

  /** The public point d·G of an EC private key (prime curves, affine arithmetic). */
  static ECPoint ecPublicPoint(ECPrivateKey key) {
    ECParameterSpec params = key.getParams();
    BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
    BigInteger a = params.getCurve().getA();
    ECPoint result = ECPoint.POINT_INFINITY;
    ECPoint addend = params.getGenerator();
    BigInteger k = key.getS();
    for (int i = 0; i < k.bitLength(); i++) {
      if (k.testBit(i)) {
        result = add(result, addend, p, a);
      }
      addend = add(addend, addend, p, a);
    }
    return result;
  }

  private static ECPoint add(ECPoint s, ECPoint t, BigInteger p, BigInteger a) {
    if (s.equals(ECPoint.POINT_INFINITY)) {
      return t;
    }
    if (t.equals(ECPoint.POINT_INFINITY)) {
      return s;
    }
    BigInteger x1 = s.getAffineX(), y1 = s.getAffineY(), x2 = t.getAffineX(), y2 = t.getAffineY();
    BigInteger lambda;
    if (x1.equals(x2)) {
      if (!y1.equals(y2) || y1.signum() == 0) {
        return ECPoint.POINT_INFINITY;
      }
      lambda = x1.pow(2).multiply(BigInteger.valueOf(3)).add(a).multiply(y1.shiftLeft(1).modInverse(p)).mod(p);
    } else {
      lambda = y2.subtract(y1).multiply(x2.subtract(x1).modInverse(p)).mod(p);
    }
    BigInteger x3 = lambda.pow(2).subtract(x1).subtract(x2).mod(p);
    BigInteger y3 = lambda.multiply(x1.subtract(x3)).subtract(y1).mod(p);
    return new ECPoint(x3, y3);
  }

  // ---- private keys from PEM, the block types OPA reads

  /** Thrown for a key that cannot be parsed; the message reads like Go's x509 errors. */
  static final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The private keys in PEM text (base64-wrapped PEM accepted), in order. Blocks of other types
   * are skipped.
   */
  static List<PrivateKey> privateKeysFromPem(String pemData) throws KeyException {
    byte[] bs;
    try {
      bs = GoBase64.decodeStd(pemData);
    } catch (GoBase64.CorruptInputException e) {
      bs = pemData.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    List<PrivateKey> out = new ArrayList<>();
    while (bs.length > 0) {
      int before = bs.length;
      Pem.Block block = Pem.decode(bs);
      if (block == null) {
        break;
      }
      bs = block.rest();
      if (before == bs.length) {
        break;
      }
      switch (block.type()) {
        case "RSA PRIVATE KEY" -> out.add(pkcs1(block.bytes()));
        case "PRIVATE KEY" -> out.add(pkcs8(block.bytes()));
        case "EC PRIVATE KEY" -> out.add(sec1(block.bytes(), null));
        default -> {}
      }
    }
    return out;
  }

  static PrivateKey pkcs1(byte[] der) throws KeyException {
    try {
      List<Der.Element> f = Der.read(der).children();
      if (f.size() < 9) {
        throw new KeyException("x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
      }
      BigInteger[] v = new BigInteger[9];
      for (int i = 0; i < 9; i++) {
        v[i] = f.get(i).integer();
      }
      return KeyFactory.getInstance("RSA").generatePrivate(
          new RSAPrivateCrtKeySpec(v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
    } catch (Der.DerException | GeneralSecurityException e) {
      throw new KeyException("x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
    }
  }

  static PrivateKey pkcs8(byte[] der) throws KeyException {
    try {
      List<Der.Element> f = Der.read(der).children();
      List<Der.Element> algId = f.get(1).children();
      String oid = algId.get(0).oidString();
      return switch (oid) {
        case RSA_OID -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        case ED25519_OID -> KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        case EC_OID -> {
          String curveOid = algId.size() > 1 && algId.get(1).tag() == Der.OID ? algId.get(1).oidString() : null;
          yield sec1(f.get(2).content(), curveOid);
        }
        default -> throw new KeyException("x509: PKCS#8 wrapping contained private key with unknown algorithm: " + oid);
      };
    } catch (Der.DerException | GeneralSecurityException | IndexOutOfBoundsException e) {
      throw new KeyException("x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)");
    }
  }

  /** A SEC 1 EC private key; {@code curveOid} comes from a PKCS#8 wrapper when present. */
  static PrivateKey sec1(byte[] der, String curveOid) throws KeyException {
    try {
      List<Der.Element> f = Der.read(der).children();
      BigInteger d = new BigInteger(1, f.get(1).content());
      String oid = curveOid;
      for (Der.Element e : f) {
        if (e.tag() == 0xa0) {
          oid = e.children().get(0).oidString();
        }
      }
      String curve = oid == null ? null : CURVE_BY_OID.get(oid);
      if (curve == null) {
        throw new KeyException("x509: unknown elliptic curve");
      }
      return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, ecParams(curve)));
    } catch (Der.DerException | GeneralSecurityException | IndexOutOfBoundsException e) {
      throw new KeyException("x509: failed to parse EC private key: " + e.getMessage());
    }
  }

  /** Whether a private key belongs to a public key. */
  static boolean matches(PublicKey pub, PrivateKey priv) throws GeneralSecurityException {
    return switch (pub) {
      case RSAPublicKey r -> priv instanceof RSAPrivateCrtKey k
          && k.getModulus().equals(r.getModulus()) && k.getPublicExponent().equals(r.getPublicExponent());
      case ECPublicKey e -> priv instanceof ECPrivateKey k && ecPublicPoint(k).equals(e.getW());
      case EdECPublicKey e -> priv instanceof EdECPrivateKey k
          && Arrays.equals(Arrays.copyOfRange(ed25519PrivateBytes(k), 32, 64), ed25519PublicBytes(e));
      default -> false;
    };
  }
}
