package dev.tollgate.authz.policy.bundle;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Mac;

/** The JWS signature algorithms OPA verifies bundles with, mapped onto JDK crypto. */
enum JwsAlgorithm {
  HS256("HS256", Family.HMAC, "HmacSHA256", null, 0, 0),
  HS384("HS384", Family.HMAC, "HmacSHA384", null, 0, 0),
  HS512("HS512", Family.HMAC, "HmacSHA512", null, 0, 0),
  RS256("RS256", Family.RSA, "SHA256withRSA", "RSA", 0, 0),
  RS384("RS384", Family.RSA, "SHA384withRSA", "RSA", 0, 0),
  RS512("RS512", Family.RSA, "SHA512withRSA", "RSA", 0, 0),
  PS256("PS256", Family.RSA, "RSASSA-PSS", "RSA", 256, 0),
  PS384("PS384", Family.RSA, "RSASSA-PSS", "RSA", 384, 0),
  PS512("PS512", Family.RSA, "RSASSA-PSS", "RSA", 512, 0),
  // JWS carries ECDSA signatures as R||S, which is the JDK's P1363 format.
  ES256("ES256", Family.EC, "SHA256withECDSAinP1363Format", "EC", 0, 256),
  ES384("ES384", Family.EC, "SHA384withECDSAinP1363Format", "EC", 0, 384),
  ES512("ES512", Family.EC, "SHA512withECDSAinP1363Format", "EC", 0, 521),
  EDDSA("EdDSA", Family.EDDSA, "Ed25519", "Ed25519", 0, 0);

  enum Family { HMAC, RSA, EC, EDDSA }

  final String jwsName;
  final Family family;
  final String jdkName;
  final String keyFactory;
  final int pssBits;
  final int ecFieldBits;

  JwsAlgorithm(String jwsName, Family family, String jdkName, String keyFactory, int pssBits,
      int ecFieldBits) {
    this.jwsName = jwsName;
    this.family = family;
    this.jdkName = jdkName;
    this.keyFactory = keyFactory;
    this.pssBits = pssBits;
    this.ecFieldBits = ecFieldBits;
  }

  static JwsAlgorithm byName(String name) {
    for (JwsAlgorithm a : values()) {
      if (a.jwsName.equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unsupported signature algorithm '" + name
        + "' (expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, "
        + "ES256, ES384, ES512, EdDSA)");
  }

  /** True when {@code signature} signs {@code input} under {@code key}. */
  boolean verify(Key key, byte[] input, byte[] signature) throws GeneralSecurityException {
    if (family == Family.HMAC) {
      Mac mac = Mac.getInstance(jdkName);
      mac.init(key);
      return MessageDigest.isEqual(mac.doFinal(input), signature);
    }
    Signature s = Signature.getInstance(jdkName);
    if (pssBits != 0) {
      String md = "SHA-" + pssBits;
      s.setParameter(new PSSParameterSpec(md, "MGF1", new MGF1ParameterSpec(md), pssBits / 8, 1));
    }
    s.initVerify((PublicKey) key);
    s.update(input);
    try {
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false; // malformed signature bytes: not a valid signature
    }
  }
}
