package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs bundles the way {@code opa sign} does, independently of the code under test: a compact
 * JWS over a payload listing files with SHA-256 digests.
 */
final class TestSigner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, KeyPair> PAIRS = new java.util.concurrent.ConcurrentHashMap<>();

  private TestSigner() {}

  static final String HMAC_SECRET = "a-shared-secret";

  /** A key pair for the algorithm's family, made once per test run. */
  static KeyPair pair(String alg) {
    String family = switch (alg.substring(0, 2)) {
      case "RS", "PS" -> "RSA";
      case "ES" -> alg;
      default -> "Ed25519";
    };
    return PAIRS.computeIfAbsent(family, f -> {
      try {
        KeyPairGenerator g;
        switch (f) {
          case "RSA" -> {
            g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
          }
          case "ES256", "ES384", "ES512" -> {
            g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(switch (f) {
              case "ES256" -> "secp256r1";
              case "ES384" -> "secp384r1";
              default -> "secp521r1";
            }));
          }
          default -> g = KeyPairGenerator.getInstance("Ed25519");
        }
        return g.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** The verification key matching {@link #pair} or {@link #HMAC_SECRET}. */
  static VerificationKey verificationKey(String alg) {
    String material = alg.startsWith("HS") ? HMAC_SECRET : pem(pair(alg).getPublic());
    return VerificationKey.of(alg, material, "");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Payload {"files":[...], "scope"?: ...} with SHA-256 of each given content. */
  static ObjectNode payload(Map<String, byte[]> files, String scope) {
    ObjectNode payload = JSON.createObjectNode();
    ArrayNode list = payload.putArray("files");
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      list.addObject()
          .put("name", f.getKey())
          .put("hash", sha256(f.getValue()))
          .put("algorithm", "SHA-256");
    }
    if (scope != null) {
      payload.put("scope", scope);
    }
    return payload;
  }

  static String token(String alg, String kid, ObjectNode payload) {
    try {
      ObjectNode header = JSON.createObjectNode().put("alg", alg);
      if (kid != null) {
        header.put("kid", kid);
      }
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String input = b64.encodeToString(JSON.writeValueAsBytes(header)) + "."
          + b64.encodeToString(JSON.writeValueAsBytes(payload));
      byte[] in = input.getBytes(StandardCharsets.US_ASCII);
      byte[] sig;
      if (alg.startsWith("HS")) {
        String mac = "HmacSHA" + alg.substring(2);
        Mac m = Mac.getInstance(mac);
        m.init(new SecretKeySpec(HMAC_SECRET.getBytes(StandardCharsets.UTF_8), mac));
        sig = m.doFinal(in);
      } else {
        PrivateKey key = pair(alg).getPrivate();
        Signature s;
        if (alg.startsWith("RS")) {
          s = Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
        } else if (alg.startsWith("PS")) {
          s = Signature.getInstance("RSASSA-PSS");
          String md = "SHA-" + alg.substring(2);
          int bits = Integer.parseInt(alg.substring(2));
          s.setParameter(new PSSParameterSpec(md, "MGF1", new MGF1ParameterSpec(md), bits / 8, 1));
        } else if (alg.startsWith("ES")) {
          s = Signature.getInstance("SHA" + alg.substring(2) + "withECDSAinP1363Format");
        } else {
          s = Signature.getInstance("Ed25519");
        }
        s.initSign(key);
        s.update(in);
        sig = s.sign();
      }
      return input + "." + b64.encodeToString(sig);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] signaturesJson(String... tokens) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("signatures");
    for (String t : tokens) {
      list.add(t);
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Names as OPA signs them: the bundle path without its leading slash. */
  static Map<String, byte[]> named(Map<String, String> files) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    files.forEach((k, v) -> out.put(k.startsWith("/") ? k.substring(1) : k,
        v.getBytes(StandardCharsets.UTF_8)));
    return out;
  }
}
