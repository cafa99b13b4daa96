package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPrivateKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * JSON Web Keys (RFC 7517): a single key or a key set, of types RSA, EC (P-256/384/521), OKP
 * (Ed25519) and oct.
 *
 * @param kty the key type
 * @param alg the {@code alg} member, or empty
 * @param kid the {@code kid} member, or empty
 * @param publicKey what verifies: a {@link PublicKey}, or the secret bytes of an oct key
 * @param privateKey what signs: a {@link PrivateKey}, the secret bytes, or null for public keys
 */
record Jwk(String kty, String alg, String kid, Object publicKey, Object privateKey) {

  /** A key or key set that cannot be used. */
  static final class JwkException extends Exception {
    private static final long serialVersionUID = 1L;

    JwkException(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses a JWK or a JWK set ({@code {"keys": [...]}}). */
  static List<Jwk> parseSet(String text) throws JwkException {
    Value v;
    try {
      v = Json.parse(text);
    } catch (Json.JsonSyntaxException e) {
      throw new JwkException("failed to unmarshal JWK: " + e.getMessage());
    }
    if (!(v instanceof ObjectValue o)) {
      throw new JwkException("failed to unmarshal JWK: not a JSON object");
    }
    List<Jwk> out = new ArrayList<>();
    if (o.get("keys") != null) {
      if (!(o.get("keys") instanceof ArrayValue keys)) {
        throw new JwkException("failed to unmarshal JWK set: keys must be an array");
      }
      for (Value k : keys.asList()) {
        if (!(k instanceof ObjectValue ko)) {
          throw new JwkException("failed to unmarshal JWK set: key must be an object");
        }
        out.add(parse(ko));
      }
    } else {
      out.add(parse(o));
    }
    return out;
  }

  static Jwk parse(ObjectValue o) throws JwkException {
    String kty = str(o, "kty");
    if (kty.isEmpty()) {
      throw new JwkException("invalid key type from JSON ()");
    }
    String alg = str(o, "alg");
    String kid = str(o, "kid");
    try {
      return switch (kty) {
        case "oct" -> {
          byte[] k = bytes(o, "k");
          yield new Jwk(kty, alg, kid, k, k);
        }
        case "RSA" -> {
          BigInteger n = big(o, "n");
          BigInteger e = big(o, "e");
          KeyFactory f = KeyFactory.getInstance("RSA");
          PublicKey pub = f.generatePublic(new RSAPublicKeySpec(n, e));
          PrivateKey priv = null;
          if (o.get("d") != null) {
            BigInteger d = big(o, "d");
            if (o.get("p") != null && o.get("q") != null && o.get("dp") != null && o.get("dq") != null && o.get("qi") != null) {
              priv = f.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, big(o, "p"), big(o, "q"),
                  big(o, "dp"), big(o, "dq"), big(o, "qi")));
            } else {
              priv = f.generatePrivate(new RSAPrivateKeySpec(n, d));
            }
          }
          yield new Jwk(kty, alg, kid, pub, priv);
        }
        case "EC" -> {
          String crv = str(o, "crv");
          String curve = Keys.CURVE_BY_JOSE.get(crv);
          if (curve == null) {
            throw new JwkException("unsupported elliptic curve: " + crv);
          }
          var params = Keys.ecParams(curve);
          KeyFactory f = KeyFactory.getInstance("EC");
          PublicKey pub = f.generatePublic(new ECPublicKeySpec(new ECPoint(big(o, "x"), big(o, "y")), params));
          PrivateKey priv = o.get("d") == null ? null : f.generatePrivate(new ECPrivateKeySpec(big(o, "d"), params));
          yield new Jwk(kty, alg, kid, pub, priv);
        }
        case "OKP" -> {
          if (!str(o, "crv").equals("Ed25519")) {
            throw new JwkException("unsupported OKP curve: " + str(o, "crv"));
          }
          PublicKey pub = Keys.ed25519Public(bytes(o, "x"));
          PrivateKey priv = o.get("d") == null ? null : Keys.ed25519Private(bytes(o, "d"));
          yield new Jwk(kty, alg, kid, pub, priv);
        }
        default -> throw new JwkException("invalid key type from JSON (" + kty + ")");
      };
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new JwkException("failed to create " + kty + " key from JWK: " + e.getMessage());
    }
  }

  private static String str(ObjectValue o, String name) {
    return o.get(name) instanceof StringValue s ? s.value() : "";
  }

  private static BigInteger big(ObjectValue o, String name) throws JwkException {
    return new BigInteger(1, bytes(o, name));
  }

  private static byte[] bytes(ObjectValue o, String name) throws JwkException {
    if (!(o.get(name) instanceof StringValue s)) {
      throw new JwkException("required field " + name + " is missing");
    }
    String t = s.value();
    while (t.endsWith("=")) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      return Base64.getUrlDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getDecoder().decode(s.value());
      } catch (IllegalArgumentException e2) {
        throw new JwkException("failed to decode field " + name + ": " + e.getMessage());
      }
    }
  }

  /** A private key as JWK members, the way OPA's crypto.x509.parse_rsa_private_key returns it. */
  static ObjectValue rsaPrivateJwk(java.security.interfaces.RSAPrivateCrtKey k) {
    return ObjectValue.builder()
        .put("kty", "RSA")
        .put("n", b64(k.getModulus()))
        .put("e", b64(k.getPublicExponent()))
        .put("d", b64(k.getPrivateExponent()))
        .put("p", b64(k.getPrimeP()))
        .put("q", b64(k.getPrimeQ()))
        .put("dp", b64(k.getPrimeExponentP()))
        .put("dq", b64(k.getPrimeExponentQ()))
        .put("qi", b64(k.getCrtCoefficient()))
        .build();
  }

  static String b64(BigInteger v) {
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      b = java.util.Arrays.copyOfRange(b, 1, b.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
