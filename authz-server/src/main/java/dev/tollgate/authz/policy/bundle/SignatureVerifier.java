package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks a bundle's {@code .signatures.json} as OPA does: exactly one compact JWS, signed with the
 * configured key and algorithm, carrying the expected scope; its payload lists every file of the
 * bundle (except the signatures file and excluded files) with a digest that must match, and
 * every file it lists must be present.
 */
final class SignatureVerifier {
  static final String SIGNATURES_PATH = "/.signatures.json";

  private final VerificationConfig config;
  private final Documents docs;

  SignatureVerifier(VerificationConfig config, Documents docs) {
    this.config = config;
    this.docs = docs;
  }

  private record SignedFile(String name, String hash, String algorithm) {}

  void verify(RawFile signatures, List<RawFile> files) throws BundleException {
    Map<String, SignedFile> signed = verifyToken(signatures);
    for (RawFile f : files) {
      if (f.path().equals(SIGNATURES_PATH)) {
        continue;
      }
      String name = f.path().substring(1);
      if (config.excluded(name)) {
        signed.remove(name);
        continue;
      }
      SignedFile s = signed.remove(name);
      if (s == null) {
        throw BundleException.at(f.path(), "file is not included in the bundle signature");
      }
      if (s.algorithm().isEmpty()) {
        throw BundleException.at(f.path(), "no hashing algorithm given in the bundle signature");
      }
      FileHasher.Algorithm alg = FileHasher.Algorithm.byOpaName(s.algorithm());
      if (alg == null) {
        throw BundleException.at(f.path(), "unsupported hashing algorithm '" + s.algorithm()
            + "' in the bundle signature");
      }
      byte[] want;
      try {
        want = HexFormat.of().parseHex(s.hash());
      } catch (IllegalArgumentException e) {
        throw BundleException.at(f.path(), "signature lists a hash that is not hex");
      }
      byte[] got = FileHasher.hash(alg, f, docs);
      if (!MessageDigest.isEqual(want, got)) {
        throw BundleException.at(f.path(), "digest mismatch (signed "
            + s.algorithm() + " " + s.hash().toLowerCase(java.util.Locale.ROOT) + ", file has "
            + HexFormat.of().formatHex(got) + ")");
      }
    }
    if (!signed.isEmpty()) {
      throw BundleException.at(SIGNATURES_PATH, "file(s) " + new TreeSet<>(signed.keySet())
          + " listed in the bundle signature are not in the bundle");
    }
  }

  private Map<String, SignedFile> verifyToken(RawFile file) throws BundleException {
    String path = file.path();
    JsonNode root = docs.parseJson(path, file.bytes());
    if (!root.isObject()) {
      throw BundleException.at(path, "must be a JSON object with a 'signatures' array");
    }
    JsonNode plugin = root.get("plugin");
    if (plugin != null && !plugin.isNull() && !plugin.asText().isEmpty()) {
      throw BundleException.at(path, "signature plugin '" + plugin.asText()
          + "' is not supported");
    }
    JsonNode sigs = root.get("signatures");
    if (sigs == null || sigs.isNull() || (sigs.isArray() && sigs.isEmpty())) {
      throw BundleException.at(path, "missing JWT (expected exactly one)");
    }
    if (!sigs.isArray()) {
      throw BundleException.at(path, "'signatures' must be an array of strings");
    }
    if (sigs.size() > 1) {
      throw BundleException.at(path, "multiple JWTs not supported (expected exactly one)");
    }
    JsonNode token = sigs.get(0);
    if (!token.isTextual()) {
      throw BundleException.at(path, "'signatures' must be an array of strings");
    }
    String[] parts = token.textValue().split("\\.", -1);
    if (parts.length != 3) {
      throw BundleException.at(path, "JWT is not in JWS compact form (header.payload.signature)");
    }
    JsonNode header = docs.parseJson(path + " (JWT header)", b64(path, parts[0], "header"));
    JsonNode payload = docs.parseJson(path + " (JWT payload)", b64(path, parts[1], "payload"));
    byte[] signature = b64(path, parts[2], "signature");
    if (!header.isObject() || !payload.isObject()) {
      throw BundleException.at(path, "JWT header and payload must be JSON objects");
    }

    String keyId = config.keyId();
    if (keyId.isEmpty()) {
      keyId = header.path("kid").isTextual() ? header.get("kid").textValue() : "";
    }
    if (keyId.isEmpty()) {
      keyId = payload.path("keyid").isTextual() ? payload.get("keyid").textValue() : "";
    }
    if (keyId.isEmpty()) {
      throw BundleException.at(path, "verification key ID is empty (configure a key id, or sign "
          + "with a 'kid' header)");
    }
    VerificationKey key = config.keys().get(keyId);
    if (key == null) {
      throw BundleException.at(path, "verification key corresponding to ID '" + keyId
          + "' not found");
    }
    String alg = header.path("alg").asText("");
    if (!alg.equals(key.algorithm())) {
      throw BundleException.at(path, "JWT alg '" + alg + "' does not match algorithm '"
          + key.algorithm() + "' of key '" + keyId + "'");
    }
    if (header.has("crit")) {
      throw BundleException.at(path, "JWT has critical header extensions, which are not supported");
    }
    byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    boolean ok;
    try {
      ok = key.jwsAlgorithm().verify(key.key(), input, signature);
    } catch (GeneralSecurityException e) {
      throw BundleException.at(path, "signature check with key '" + keyId + "' failed: "
          + e.getMessage());
    }
    if (!ok) {
      throw BundleException.at(path, "JWT signature does not verify with key '" + keyId + "'");
    }

    String scope = config.scope().isEmpty() ? key.scope() : config.scope();
    String tokenScope = payload.path("scope").isTextual() ? payload.get("scope").textValue() : "";
    if (!tokenScope.equals(scope)) {
      throw BundleException.at(path, "scope mismatch (signed '" + tokenScope + "', expected '"
          + scope + "')");
    }

    Map<String, SignedFile> files = new LinkedHashMap<>();
    JsonNode list = payload.get("files");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw BundleException.at(path, "JWT payload 'files' must be an array");
      }
      for (JsonNode f : list) {
        if (!f.isObject() || !f.path("name").isTextual()) {
          throw BundleException.at(path, "JWT payload 'files' entries need a 'name'");
        }
        files.put(f.get("name").textValue(), new SignedFile(f.get("name").textValue(),
            f.path("hash").asText(""), f.path("algorithm").asText("")));
      }
    }
    return files;
  }

  private static byte[] b64(String path, String part, String what) throws BundleException {
    try {
      return Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw BundleException.at(path, "JWT " + what + " is not base64url");
    }
  }
}
