package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerificationKeyTest {

  static Stream<Arguments> badKeys() {
    String rsaPem = TestSigner.pem(TestSigner.pair("RS256").getPublic());
    String ec256Pem = TestSigner.pem(TestSigner.pair("ES256").getPublic());
    return Stream.of(
        Arguments.of("RS256", "not a pem", "no PEM block found"),
        Arguments.of("RS256", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "is not a valid RSA public key"),
        Arguments.of("RS256", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "PEM block 'PRIVATE KEY' is not supported"),
        Arguments.of("ES256", rsaPem, "is not a valid EC public key"),
        Arguments.of("ES384", ec256Pem, "does not fit ES384"),
        Arguments.of("HS256", "", "HMAC secret for HS256 is empty"),
        Arguments.of("XS256", "x", "unsupported signature algorithm 'XS256'"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("badKeys")
  void refusesKeysThatCannotVerify(String alg, String key, String reason) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VerificationKey.of(alg, key, ""));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void defaultsToRs256AsOpaDoes() {
    VerificationKey k = VerificationKey.of(null,
        TestSigner.pem(TestSigner.pair("RS256").getPublic()), null);
    assertEquals("RS256", k.algorithm());
    assertEquals("", k.scope());
  }

  @Test
  void readsPkcs1RsaPublicKeys() throws Exception {
    RSAPublicKey pub = (RSAPublicKey) TestSigner.pair("RS256").getPublic();
    byte[] der = sequence(integer(pub.getModulus()), integer(pub.getPublicExponent()));
    String pem = "-----BEGIN RSA PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(der) + "\n-----END RSA PUBLIC KEY-----\n";
    VerificationKey key = VerificationKey.of("RS256", pem, "");
    assertEquals(pub, key.key());
    // And it verifies what the matching private key signed.
    VerificationConfig config = VerificationConfig.of("k", key);
    byte[] bundle = TarGz.archive().file("/p.rego", "package p\n")
        .file("/.signatures.json", TestSigner.signaturesJson(TestSigner.token("RS256", "k",
            TestSigner.payload(TestSigner.named(Map.of("/p.rego", "package p\n")), null))))
        .build();
    assertTrue(new BundleLoader(BundleOptions.verified(config)).loadArchive(bundle, "t")
        .signatureVerified());
  }

  @Test
  void secretsStayOutOfToString() {
    assertFalse(VerificationKey.of("HS256", "top-secret", "").toString().contains("top-secret"));
  }

  @Test
  void configuredKeyIdMustExist() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VerificationConfig(Map.of("a", VerificationKey.of("HS256", "s", "")), "b", "",
            List.of()));
    assertTrue(e.getMessage().contains("'b' is not among the configured keys [a]"),
        e.getMessage());
  }

  private static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return tlv(0x30, out.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = value.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len & 0xff);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  @Test
  void pemWithSurroundingTextIsAccepted() {
    String pem = "subject: test\n" + TestSigner.pem(TestSigner.pair("RS256").getPublic());
    assertEquals("RS256", VerificationKey.of("RS256", pem, "").algorithm());
  }
}
