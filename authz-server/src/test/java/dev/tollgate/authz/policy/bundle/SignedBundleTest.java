package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignedBundleTest {
  /** Structured files are written in canonical form, so their raw SHA-256 is OPA's hash. */
  private static final Map<String, String> FILES = ordered(
      "/.manifest", "{\"revision\":\"r1\",\"roots\":[\"bank\"]}",
      "/bank/a/data.json", "{\"limit\":5,\"users\":[\"alice\"]}",
      "/bank/a/authz.rego", "package bank.a\n\nallow if input.user == \"alice\"\n");

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static byte[] archive(Map<String, String> files, byte[] signatures) {
    TarGz t = TarGz.archive();
    files.forEach(t::file);
    if (signatures != null) {
      t.file("/.signatures.json", signatures);
    }
    return t.build();
  }

  private static byte[] signed(String alg, String kid, Map<String, String> signedFiles,
      Map<String, String> shippedFiles) {
    ObjectNode payload = TestSigner.payload(TestSigner.named(signedFiles), null);
    return archive(shippedFiles, TestSigner.signaturesJson(TestSigner.token(alg, kid, payload)));
  }

  private static BundleLoader loader(String alg) {
    return new BundleLoader(BundleOptions.verified(
        VerificationConfig.of("k1", TestSigner.verificationKey(alg))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
      "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
  void verifiesEachSupportedAlgorithm(String alg) throws Exception {
    Bundle b = loader(alg).loadArchive(signed(alg, "k1", FILES, FILES), "t");
    assertTrue(b.signatureVerified());
    assertEquals("r1", b.revision());
  }

  @Test
  void keyIsChosenByKidWhenTheConfigNamesNone() throws Exception {
    VerificationConfig config = new VerificationConfig(Map.of(
        "other", TestSigner.verificationKey("HS256"),
        "signer", TestSigner.verificationKey("RS256")), "", "", List.of());
    Bundle b = new BundleLoader(BundleOptions.verified(config))
        .loadArchive(signed("RS256", "signer", FILES, FILES), "t");
    assertTrue(b.signatureVerified());
  }

  @Test
  void deprecatedKeyidClaimChoosesTheKeyWithoutKid() throws Exception {
    VerificationConfig config = new VerificationConfig(
        Map.of("legacy", TestSigner.verificationKey("RS256")), "", "", List.of());
    ObjectNode payload = TestSigner.payload(TestSigner.named(FILES), null).put("keyid", "legacy");
    byte[] bundle = archive(FILES,
        TestSigner.signaturesJson(TestSigner.token("RS256", null, payload)));
    assertTrue(new BundleLoader(BundleOptions.verified(config)).loadArchive(bundle, "t")
        .signatureVerified());
  }

  @Test
  void prettyPrintedDataIsHashedInCanonicalForm() throws Exception {
    Map<String, String> shipped = new LinkedHashMap<>(FILES);
    shipped.put("/bank/a/data.json", "{\n  \"users\" : [ \"alice\" ],\n  \"limit\" : 5\n}\n");
    shipped.put("/.manifest", "{ \"roots\": [\"bank\"],\n  \"revision\": \"r1\" }");
    // Signed over FILES: the same documents written canonically.
    Bundle b = loader("ES256").loadArchive(signed("ES256", "k1", FILES, shipped), "t");
    assertTrue(b.signatureVerified());
  }

  /**
   * A lone surrogate is U+FFFD both when hashed and when loaded (as Go's decoder, and so OPA,
   * decodes it): a bundle signed over "\ufffd" whose data now says "\ud800" verifies, and the
   * policy sees the U+FFFD that was signed, not the string that was shipped.
   */
  @Test
  void aTamperedLoneSurrogateLoadsAsTheSignedReplacementCharacter() throws Exception {
    Map<String, String> signedFiles = new LinkedHashMap<>(FILES);
    signedFiles.put("/bank/a/data.json", "{\"limit\":5,\"users\":[\"\uFFFD\"]}");
    Map<String, String> shipped = new LinkedHashMap<>(FILES);
    shipped.put("/bank/a/data.json", "{\"limit\":5,\"users\":[\"\\ud800\"]}");
    Bundle b = loader("ES256").loadArchive(signed("ES256", "k1", signedFiles, shipped), "t");
    assertTrue(b.signatureVerified());
    String loaded = b.dataAt(List.of("bank", "a", "users")).orElseThrow().get(0).textValue();
    assertEquals("\uFFFD", loaded);

    // In an object key the JSON parser refuses a lone surrogate outright, naming the place.
    Map<String, String> inKey = new LinkedHashMap<>(FILES);
    inKey.put("/bank/a/data.json", "{\"\\ud800\":1}");
    BundleException refused = assertThrows(BundleException.class,
        () -> loader("ES256").loadArchive(signed("ES256", "k1", inKey, inKey), "t"));
    assertTrue(refused.getMessage().contains("surrogate"), refused.getMessage());

    // A surrogate pair is a character, kept as it is; a different string still fails to verify.
    Map<String, String> pair = new LinkedHashMap<>(FILES);
    pair.put("/bank/a/data.json", "{\"limit\":5,\"users\":[\"\\ud83d\\ude00\"]}");
    Map<String, String> pairSigned = new LinkedHashMap<>(FILES);
    pairSigned.put("/bank/a/data.json", "{\"limit\":5,\"users\":[\"\uD83D\uDE00\"]}");
    Bundle p = loader("ES256").loadArchive(signed("ES256", "k1", pairSigned, pair), "t");
    assertEquals("\uD83D\uDE00", p.dataAt(List.of("bank", "a", "users")).orElseThrow().get(0).textValue());
    BundleException e = assertThrows(BundleException.class,
        () -> loader("ES256").loadArchive(signed("ES256", "k1", FILES, shipped), "t"));
    assertEquals(Optional.of("/bank/a/data.json"), e.entry(), e.getMessage());
  }

  @Test
  void excludedFilesNeedNoSignature() throws Exception {
    Map<String, String> shipped = new LinkedHashMap<>(FILES);
    shipped.put("/docs/README.md", "not signed");
    VerificationConfig config = new VerificationConfig(
        Map.of("k1", TestSigner.verificationKey("HS256")), "k1", "", List.of("docs/*.md"));
    Bundle b = new BundleLoader(BundleOptions.verified(config))
        .loadArchive(signed("HS256", "k1", FILES, shipped), "t");
    assertTrue(b.signatureVerified());
  }

  @Test
  void scopeMustMatch() throws Exception {
    VerificationConfig config = new VerificationConfig(
        Map.of("k1", VerificationKey.of("HS256", TestSigner.HMAC_SECRET, "write")), "k1", "",
        List.of());
    BundleLoader loader = new BundleLoader(BundleOptions.verified(config));
    ObjectNode payload = TestSigner.payload(TestSigner.named(FILES), "write");
    assertTrue(loader.loadArchive(archive(FILES,
        TestSigner.signaturesJson(TestSigner.token("HS256", "k1", payload))), "t")
        .signatureVerified());
    ObjectNode wrongScope = TestSigner.payload(TestSigner.named(FILES), "read");
    BundleException e = assertThrows(BundleException.class, () -> loader.loadArchive(archive(
        FILES, TestSigner.signaturesJson(TestSigner.token("HS256", "k1", wrongScope))), "t"));
    assertTrue(e.getMessage().contains("scope mismatch (signed 'read', expected 'write')"),
        e.getMessage());
  }

  static Stream<Arguments> refusedBundles() {
    Map<String, String> tampered = new LinkedHashMap<>(FILES);
    tampered.put("/bank/a/authz.rego", "package bank.a\n\nallow := true\n");
    Map<String, String> missing = new LinkedHashMap<>(FILES);
    missing.remove("/bank/a/data.json");
    Map<String, String> extra = new LinkedHashMap<>(FILES);
    extra.put("/bank/a/extra.rego", "package bank.a\n");
    Map<String, String> moreSigned = new LinkedHashMap<>(FILES);
    moreSigned.put("ghost.rego", "package bank.ghost\n");
    return Stream.of(
        Arguments.of("tampered file", signed("RS256", "k1", FILES, tampered),
            "/bank/a/authz.rego", "digest mismatch"),
        Arguments.of("tampered data", signed("RS256", "k1", FILES, Map.of(
            "/.manifest", FILES.get("/.manifest"),
            "/bank/a/data.json", "{\"limit\":500,\"users\":[\"alice\"]}",
            "/bank/a/authz.rego", FILES.get("/bank/a/authz.rego"))),
            "/bank/a/data.json", "digest mismatch"),
        Arguments.of("signed file missing", signed("RS256", "k1", FILES, missing),
            "/.signatures.json", "[bank/a/data.json] listed in the bundle signature are not in"),
        Arguments.of("signature lists a file never shipped", signed("RS256", "k1", moreSigned,
            FILES), "/.signatures.json", "[ghost.rego] listed in the bundle signature"),
        Arguments.of("extra unsigned file", signed("RS256", "k1", FILES, extra),
            "/bank/a/extra.rego", "not included in the bundle signature"),
        Arguments.of("signed with another key", signed("ES256", "k1", FILES, FILES),
            "/.signatures.json", "JWT alg 'ES256' does not match algorithm 'RS256' of key 'k1'"),
        Arguments.of("unsigned", archive(FILES, null), null, "bundle is not signed"),
        Arguments.of("unknown kid", signed("RS256", "nobody", FILES, FILES), null, null),
        Arguments.of("two JWTs", archive(FILES, TestSigner.signaturesJson(
            TestSigner.token("RS256", "k1", TestSigner.payload(TestSigner.named(FILES), null)),
            TestSigner.token("RS256", "k1", TestSigner.payload(TestSigner.named(FILES), null)))),
            "/.signatures.json", "multiple JWTs not supported"),
        Arguments.of("empty signatures", archive(FILES, TestSigner.signaturesJson()),
            "/.signatures.json", "missing JWT"),
        Arguments.of("not a JWS", archive(FILES, TestSigner.signaturesJson("abc")),
            "/.signatures.json", "not in JWS compact form"),
        Arguments.of("alg none", archive(FILES, TestSigner.signaturesJson(
            noneToken(TestSigner.payload(TestSigner.named(FILES), null)))),
            "/.signatures.json", "JWT alg 'none' does not match"),
        Arguments.of("signature stripped from a valid token", archive(FILES,
            TestSigner.signaturesJson(strip(TestSigner.token("RS256", "k1",
                TestSigner.payload(TestSigner.named(FILES), null))))),
            "/.signatures.json", "does not verify with key 'k1'"));
  }

  private static String noneToken(ObjectNode payload) {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  private static String strip(String token) {
    return token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBundles")
  void refusesBundlesThatDoNotVerify(String what, byte[] bundle, String entry, String reason) {
    BundleLoader loader = new BundleLoader(BundleOptions.verified(new VerificationConfig(
        Map.of("k1", TestSigner.verificationKey("RS256")), "", "", List.of())));
    BundleException e = assertThrows(BundleException.class, () -> loader.loadArchive(bundle, what));
    if (reason == null) {
      assertTrue(e.getMessage().contains("verification key corresponding to ID 'nobody' not found"),
          e.getMessage());
      return;
    }
    assertTrue(e.getMessage().contains(reason), () -> "message: " + e.getMessage());
    assertEquals(Optional.ofNullable(entry), e.entry(), () -> "message: " + e.getMessage());
  }

  @Test
  void wrongKeyOfTheRightAlgorithmIsRefused() throws Exception {
    VerificationKey other = VerificationKey.of("HS256", "a-different-secret", "");
    BundleLoader loader = new BundleLoader(BundleOptions.verified(VerificationConfig.of("k1",
        other)));
    BundleException e = assertThrows(BundleException.class,
        () -> loader.loadArchive(signed("HS256", "k1", FILES, FILES), "t"));
    assertTrue(e.getMessage().contains("JWT signature does not verify with key 'k1'"),
        e.getMessage());
  }

  @Test
  void skipVerificationAcceptsSignedBundlesWithoutAKey() throws Exception {
    BundleLoader loader = new BundleLoader(
        new BundleOptions(BundleLimits.DEFAULT, Optional.empty(), true));
    Bundle b = loader.loadArchive(signed("RS256", "k1", FILES, FILES), "t");
    assertEquals(false, b.signatureVerified());
  }

  @Test
  void directoryBundlesVerifyToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    for (Map.Entry<String, String> f : FILES.entrySet()) {
      java.nio.file.Path p = dir.resolve(f.getKey().substring(1));
      java.nio.file.Files.createDirectories(p.getParent());
      java.nio.file.Files.writeString(p, f.getValue());
    }
    ObjectNode payload = TestSigner.payload(TestSigner.named(FILES), null);
    java.nio.file.Files.write(dir.resolve(".signatures.json"),
        TestSigner.signaturesJson(TestSigner.token("PS256", "k1", payload)));
    assertTrue(loader("PS256").load(dir).signatureVerified());
    java.nio.file.Files.writeString(dir.resolve("bank/a/authz.rego"), "package bank.a\n");
    BundleException e = assertThrows(BundleException.class, () -> loader("PS256").load(dir));
    assertEquals(Optional.of("/bank/a/authz.rego"), e.entry());
  }
}
