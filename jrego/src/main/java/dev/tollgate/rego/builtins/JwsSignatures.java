package dev.tollgate.rego.builtins;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** JWS signing and verification for the algorithms OPA supports (RFC 7518, RFC 8037). */
final class JwsSignatures {
  private JwsSignatures() {}

  private static String hashOf(String alg) {
    return switch (alg.substring(2)) {
      case "256" -> "SHA-256";
      case "384" -> "SHA-384";
      case "512" -> "SHA-512";
      default -> throw new IllegalArgumentException(alg);
    };
  }

  /**
   * Whether {@code sig} is a valid signature of {@code input} under {@code key} (a PublicKey, or
   * secret bytes for HS*). A key of the wrong type simply does not verify.
   *
   * @param strictEcLength require an ES signature to be exactly two field elements long
   */
  static boolean verify(String alg, Object key, byte[] input, byte[] sig, boolean strictEcLength) {
    try {
      if (alg.startsWith("HS") && alg.length() == 5) {
        if (!(key instanceof byte[] secret)) {
          return false;
        }
        return MessageDigest.isEqual(hmac(alg, secret, input), sig);
      }
      if (alg.equals("EdDSA")) {
        if (!(key instanceof EdECPublicKey k)) {
          return false;
        }
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(k);
        s.update(input);
        return s.verify(sig);
      }
      if (alg.length() != 5) {
        return false;
      }
      return switch (alg.substring(0, 2)) {
        case "RS" -> {
          if (!(key instanceof RSAPublicKey k)) {
            yield false;
          }
          Signature s = Signature.getInstance(hashOf(alg).replace("-", "") + "withRSA");
          s.initVerify(k);
          s.update(input);
          yield sig.length == (k.getModulus().bitLength() + 7) / 8 && s.verify(sig);
        }
        case "PS" -> key instanceof RSAPublicKey k && verifyPss(k, hashOf(alg), input, sig);
        case "ES" -> {
          if (!(key instanceof ECPublicKey k)) {
            yield false;
          }
          int n = sig.length / 2;
          if (strictEcLength && sig.length != 2 * Keys.curveByteLength(k.getParams())) {
            yield false;
          }
          if (n == 0) {
            yield false;
          }
          BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, n));
          BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, n, sig.length));
          Signature v = Signature.getInstance(hashOf(alg).replace("-", "") + "withECDSA");
          v.initVerify((PublicKey) k);
          v.update(input);
          yield v.verify(Der.tlv(Der.SEQUENCE, Der.integer(r), Der.integer(s)));
        }
        default -> false;
      };
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static byte[] hmac(String alg, byte[] secret, byte[] input) throws GeneralSecurityException {
    String name = "Hmac" + hashOf(alg).replace("-", "");
    Mac mac = Mac.getInstance(name);
    // An empty HMAC key is legal in Go; SecretKeySpec refuses it, so feed one zero byte, which
    // HMAC pads to the same block.
    mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, name));
    return mac.doFinal(input);
  }

  /** EMSA-PSS verification with the salt length recovered from the signature, as Go does. */
  private static boolean verifyPss(RSAPublicKey key, String hash, byte[] input, byte[] sig)
      throws GeneralSecurityException {
    BigInteger n = key.getModulus();
    int k = (n.bitLength() + 7) / 8;
    if (sig.length != k) {
      return false;
    }
    BigInteger s = new BigInteger(1, sig);
    if (s.compareTo(n) >= 0) {
      return false;
    }
    int emBits = n.bitLength() - 1;
    int emLen = (emBits + 7) / 8;
    byte[] m = toFixed(s.modPow(key.getPublicExponent(), n), k);
    byte[] em = m;
    if (emLen < k) {
      if (m[0] != 0) {
        return false;
      }
      em = Arrays.copyOfRange(m, 1, k);
    }
    MessageDigest md = MessageDigest.getInstance(hash);
    byte[] mHash = md.digest(input);
    int hLen = mHash.length;
    if (emLen < hLen + 2 || em[emLen - 1] != (byte) 0xbc) {
      return false;
    }
    byte[] maskedDb = Arrays.copyOfRange(em, 0, emLen - hLen - 1);
    byte[] h = Arrays.copyOfRange(em, emLen - hLen - 1, emLen - 1);
    int topBits = 8 * emLen - emBits;
    int topMask = 0xff >>> topBits;
    if ((maskedDb[0] & ~topMask & 0xff) != 0) {
      return false;
    }
    byte[] dbMask = mgf1(md, h, maskedDb.length);
    byte[] db = new byte[maskedDb.length];
    for (int i = 0; i < db.length; i++) {
      db[i] = (byte) (maskedDb[i] ^ dbMask[i]);
    }
    db[0] &= (byte) topMask;
    int i = 0;
    while (i < db.length && db[i] == 0) {
      i++;
    }
    if (i == db.length || db[i] != 1) {
      return false;
    }
    byte[] salt = Arrays.copyOfRange(db, i + 1, db.length);
    md.reset();
    md.update(new byte[8]);
    md.update(mHash);
    md.update(salt);
    return MessageDigest.isEqual(md.digest(), h);
  }

  private static byte[] mgf1(MessageDigest md, byte[] seed, int len) {
    byte[] out = new byte[len];
    int pos = 0;
    for (int counter = 0; pos < len; counter++) {
      md.reset();
      md.update(seed);
      md.update(new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
      byte[] d = md.digest();
      int n = Math.min(d.length, len - pos);
      System.arraycopy(d, 0, out, pos, n);
      pos += n;
    }
    return out;
  }

  static byte[] toFixed(BigInteger v, int len) {
    byte[] b = v.toByteArray();
    if (b.length == len) {
      return b;
    }
    byte[] out = new byte[len];
    if (b.length > len) {
      System.arraycopy(b, b.length - len, out, 0, len);
    } else {
      System.arraycopy(b, 0, out, len - b.length, b.length);
    }
    return out;
  }

  /** Signs {@code input}; {@code key} is a PrivateKey or, for HS*, the secret bytes. */
  static byte[] sign(String alg, Object key, byte[] input) throws GeneralSecurityException {
    if (alg.startsWith("HS")) {
      if (!(key instanceof byte[] secret)) {
        throw new GeneralSecurityException("invalid key type for " + alg + ": an oct key is required");
      }
      return hmac(alg, secret, input);
    }
    if (alg.equals("EdDSA")) {
      if (!(key instanceof EdECPrivateKey k)) {
        throw new GeneralSecurityException("invalid key type for EdDSA: an OKP private key is required");
      }
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(k);
      s.update(input);
      return s.sign();
    }
    String hash = hashOf(alg);
    switch (alg.substring(0, 2)) {
      case "RS", "PS" -> {
        if (!(key instanceof RSAPrivateKey k)) {
          throw new GeneralSecurityException("invalid key type for " + alg + ": an RSA private key is required");
        }
        Signature s;
        if (alg.startsWith("RS")) {
          s = Signature.getInstance(hash.replace("-", "") + "withRSA");
        } else {
          s = Signature.getInstance("RSASSA-PSS");
          int hLen = MessageDigest.getInstance(hash).getDigestLength();
          s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), hLen, 1));
        }
        s.initSign(k);
        s.update(input);
        return s.sign();
      }
      case "ES" -> {
        if (!(key instanceof ECPrivateKey k)) {
          throw new GeneralSecurityException("invalid key type for " + alg + ": an EC private key is required");
        }
        Signature s = Signature.getInstance(hash.replace("-", "") + "withECDSA");
        s.initSign(k);
        s.update(input);
        return derToRaw(s.sign(), Keys.curveByteLength(((ECKey) k).getParams()));
      }
      default -> throw new GeneralSecurityException("unsupported signature algorithm " + alg);
    }
  }

  /** An ECDSA DER signature as JOSE's fixed-width R || S. */
  private static byte[] derToRaw(byte[] der, int size) throws GeneralSecurityException {
    try {
      var parts = Der.read(der).children();
      byte[] out = new byte[2 * size];
      System.arraycopy(toFixed(parts.get(0).integer(), size), 0, out, 0, size);
      System.arraycopy(toFixed(parts.get(1).integer(), size), 0, out, size, size);
      return out;
    } catch (Der.DerException e) {
      throw new GeneralSecurityException("malformed ECDSA signature: " + e.getMessage());
    }
  }
}
