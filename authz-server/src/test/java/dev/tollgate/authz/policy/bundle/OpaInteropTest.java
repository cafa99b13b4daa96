package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Signatures and digests produced by OPA itself: the test vectors of OPA's
 * v1/bundle/verify_test.go (Apache-2.0). The tokens list two files we do not have, so a token
 * that verifies ends in "listed in the bundle signature are not in the bundle"; a token that
 * does not verify never gets that far.
 */
class OpaInteropTest {
  private static final String HS256_KID_FOO =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI0ODAyNywiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.u7b_h88osJpU6VQLhIUmZjblsPNCO_kTqsVtpEAHavs";
  private static final String HS256_KEYID_CLAIM_FOO =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI0ODAyNywiaXNzIjoiSldUU2VydmljZSIsImtleWlkIjoiZm9vIiwic2NvcGUiOiJ3cml0ZSJ9.4nrInalqppAc9EjsNUD9Y35amVpDGoRk4bkxzdY8fhs";
  private static final String HS256_KID_BAR =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImJhciJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI0ODAyNywiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.xW04tph2-dSy47uZ-CgiObvFWFLUsMym8N7ermgPZ0s";
  private static final String HS256_NO_KID =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI0ODAyNywiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.N2DaEyhfACMAij2sRC0ZDwNz4wI7BX_flH3IkKqMvE4";
  private static final String RS256_KID_FOO =
      "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZvbyJ9.eyJmaWxlcyI6W3sibmFtZSI6ImRiL3VhbTIvZW50aXRsZW1lbnRzL2RhdGEuanNvbiIsImhhc2giOiJjMjEzMTU0NGM3MTZhMjVhNWUzMWY1MDQzMDBmNTI0MGU4MjM1Y2FkYjlhNTdmMGJkMWI2ZjRiZDc0YjI2NjEyIiwiYWxnb3JpdGhtIjoic2hhMjU2In0seyJuYW1lIjoiZGIvdWFtMi9wb2xpY3kvb3BhLXBvbGljeS5yZWdvIiwiaGFzaCI6IjQyY2ZlNjc2OGI1N2JiNWY3NTAzYzE2NWMyOGRkMDdhYzViODEzNTU0ZWJjODUwZjJjYzM1ODQzZTcxMzdiMWQifV0sImlhdCI6MTU5MjI1MTQwNiwiaXNzIjoiSldUU2VydmljZSIsInNjb3BlIjoid3JpdGUifQ.UZcX_Qj29o213nwZ5mysiyNcgAp1AOqCkDLkj1KGZ7Cw3l17TbkF8t3FJd654sf762NGcABA0WQ2zxq-labXl_d5TKQmq23lurO3qLHI1cKQPyoxPbddGo78sJpMwWsiMyEYcyyKC9FpNUpa8cT81GPo4q9Zui8TAD0wtHh2YxBL7E8QYLJxcLMJTJxVBgrQGLXFT7vYRc6hJz9Vu-i0SWuLBGxOCmYoHr4DWFfy0IhAbhiUFyLRpukfBPjCJNYY5LgaZdN6LaYivtIEUms5jUuXubBimLJm7KOT5-bgJMXTcUsbrbl2Ma7PwG5IOKjjgyEvH8KVfGFZSzNrpuxKmA";
  private static final String RS256_PUBLIC_KEY = """
      -----BEGIN PUBLIC KEY-----
      MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA9KaakMv1XKKDaSch3PFR
      3a27oaHp1GNTTNqvb1ZaHZXp+wuhYDwc/MTE67x9GCifvQBWzEGorgTq7aisiOyl
      vKifwz6/wQ+62WHKG/sqKn2Xikp3P63aBIPlZcHbkyyRmL62yeyuzYoGvLEYel+m
      z5SiKGBwviSY0Th2L4e5sGJuk2HOut6emxDi+E2Fuuj5zokFJvIT6Urlq8f3h6+l
      GeR6HUOXqoYVf7ff126GP7dticTVBgibxkkuJFmpvQSW6xmxruT4k6iwjzbZHY7P
      ypZ/TdlnuGC1cOpAVyU7k32IJ9CRbt3nwEf5U54LRXLLQjFixWZHwKdDiMTF4ws0
      +wIDAQAB
      -----END PUBLIC KEY-----
      """;
  private static final String OTHER_RS256_PUBLIC_KEY = """
      -----BEGIN PUBLIC KEY-----
      MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDMYfnvWtC8Id5bPKae5yXSxQTt
      +Zpul6AnnZWfI2TtIarvjHBFUtXRo96y7hoL4VWOPKGCsRqMFDkrbeUjRrx8iL91
      4/srnyf6sh9c8Zk04xEOpK1ypvBz+Ks4uZObtjnnitf0NBGdjMKxveTq+VE7BWUI
      yQjtQ8mbDOsiLLvh7wIDAQAB
      -----END PUBLIC KEY-----
      """;

  private static final String VERIFIED =
      "file(s) [db/uam2/entitlements/data.json, db/uam2/policy/opa-policy.rego] listed in the "
          + "bundle signature are not in the bundle";

  static Stream<Arguments> opaTokens() {
    VerificationKey secret = VerificationKey.of("HS256", "secret", "");
    return Stream.of(
        Arguments.of("HS256, kid header", HS256_KID_FOO, Map.of("foo", secret), "", "write",
            VERIFIED),
        Arguments.of("HS256, deprecated keyid claim", HS256_KEYID_CLAIM_FOO,
            Map.of("foo", secret), "", "write", VERIFIED),
        Arguments.of("configured key id beats the kid header", HS256_KID_BAR,
            Map.of("foo", secret), "foo", "write", VERIFIED),
        Arguments.of("RS256 with OPA's test key", RS256_KID_FOO,
            Map.of("foo", VerificationKey.of("RS256", RS256_PUBLIC_KEY, "")), "", "write",
            VERIFIED),
        Arguments.of("RS256 with another key", RS256_KID_FOO,
            Map.of("foo", VerificationKey.of("RS256", OTHER_RS256_PUBLIC_KEY, "")), "foo", "",
            "JWT signature does not verify with key 'foo'"),
        Arguments.of("HS256 with a wrong secret", HS256_KID_FOO,
            Map.of("foo", VerificationKey.of("HS256", "bad_secret", "")), "", "",
            "JWT signature does not verify with key 'foo'"),
        Arguments.of("scope mismatch", HS256_KID_FOO, Map.of("foo", secret), "", "bad_scope",
            "scope mismatch"),
        Arguments.of("no key id anywhere", HS256_NO_KID, Map.of("foo", secret), "", "write",
            "verification key ID is empty"),
        Arguments.of("unknown key id", HS256_KID_FOO, Map.of("other", secret), "", "write",
            "verification key corresponding to ID 'foo' not found"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("opaTokens")
  void verifiesTokensSignedByOpa(String what, String token, Map<String, VerificationKey> keys,
      String keyId, String scope, String outcome) {
    BundleLoader loader = new BundleLoader(BundleOptions.verified(
        new VerificationConfig(keys, keyId, scope, List.of())));
    byte[] bundle = TarGz.archive()
        .file("/.signatures.json", TestSigner.signaturesJson(token))
        .build();
    BundleException e = assertThrows(BundleException.class, () -> loader.loadArchive(bundle, what));
    assertTrue(e.getMessage().contains(outcome), e.getMessage());
  }

  /** OPA's own digest of this manifest (MD5 over its canonical form). */
  @Test
  void manifestDigestMatchesOpa() throws Exception {
    RawFile manifest = new RawFile("/.manifest",
        "{\"revision\": \"quickbrownfaux\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals("a005c38a509dc2d5a7407b9494efb2ad", HexFormat.of().formatHex(FileHasher.hash(
        FileHasher.Algorithm.MD5, manifest, new Documents(BundleLimits.DEFAULT))));
  }
}
