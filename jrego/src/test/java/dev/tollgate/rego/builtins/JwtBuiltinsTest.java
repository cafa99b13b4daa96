package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.CryptoFixtures.assertFails;
import static dev.tollgate.rego.builtins.CryptoFixtures.call;
import static dev.tollgate.rego.builtins.CryptoFixtures.json;
import static dev.tollgate.rego.builtins.CryptoFixtures.s;
import static dev.tollgate.rego.builtins.CryptoFixtures.text;
import static dev.tollgate.rego.builtins.CryptoFixtures.token;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class JwtBuiltinsTest {
  // RFC 7515 appendix A.1 (HS256) and the RFC 8037 appendix A Ed25519 example.
  static final String RFC7515_A1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
      + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  static final String RFC7515_A1_KEY =
      "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
  static final String RFC8037_KEY = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
      + "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
  static final String RFC8037_JWS = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
      + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
      "io.jwt.decode, 1, false", "io.jwt.decode_verify, 2, true", "io.jwt.encode_sign, 3, true",
      "io.jwt.encode_sign_raw, 3, true", "io.jwt.verify_hs256, 2, false", "io.jwt.verify_hs384, 2, false",
      "io.jwt.verify_hs512, 2, false", "io.jwt.verify_rs256, 2, false", "io.jwt.verify_rs384, 2, false",
      "io.jwt.verify_rs512, 2, false", "io.jwt.verify_ps256, 2, false", "io.jwt.verify_ps384, 2, false",
      "io.jwt.verify_ps512, 2, false", "io.jwt.verify_es256, 2, false", "io.jwt.verify_es384, 2, false",
      "io.jwt.verify_es512, 2, false", "io.jwt.verify_eddsa, 2, false"})
  void registeredLikeOpa(String name, int arity, boolean nondeterministic) {
    Builtin b = BuiltinRegistry.standard().get(name);
    assertEquals(arity, b.arity());
    assertEquals(nondeterministic, b.nondeterministic());
  }

  /** token fixture, verifying built-in, public key fixture. */
  static Stream<Arguments> externallySigned() {
    return Stream.of(
        Arguments.of("RS256", "io.jwt.verify_rs256", "root.pub"),
        Arguments.of("RS256", "io.jwt.verify_rs256", "root.pem"),
        Arguments.of("RS384", "io.jwt.verify_rs384", "root.pub"),
        Arguments.of("RS512", "io.jwt.verify_rs512", "root.pem"),
        Arguments.of("PS256", "io.jwt.verify_ps256", "root.pub"),
        Arguments.of("PS384", "io.jwt.verify_ps384", "root.pem"),
        Arguments.of("PS512", "io.jwt.verify_ps512", "root.pub"),
        Arguments.of("ES256", "io.jwt.verify_es256", "inter.pub"),
        Arguments.of("ES256", "io.jwt.verify_es256", "inter.pem"),
        Arguments.of("ES384", "io.jwt.verify_es384", "p384.pub"),
        Arguments.of("ES512", "io.jwt.verify_es512", "p521.pub"),
        Arguments.of("EdDSA", "io.jwt.verify_eddsa", "ed.pub"));
  }

  @ParameterizedTest(name = "{0} with {2}")
  @MethodSource("externallySigned")
  void verifiesTokensSignedElsewhere(String alg, String builtin, String keyFile) throws Exception {
    String jwt = token(alg);
    assertEquals(BooleanValue.TRUE, call(builtin, s(jwt), s(text(keyFile))));
    assertEquals(BooleanValue.FALSE, call(builtin, s(tamper(jwt)), s(text(keyFile))), "tampered payload");
  }

  @ParameterizedTest(name = "{0} token, {1} refuses")
  @CsvSource({
      "RS256, io.jwt.verify_ps256, root.pub",
      "PS256, io.jwt.verify_rs256, root.pub",
      "RS256, io.jwt.verify_rs256, leaf.pub",
      "ES256, io.jwt.verify_es256, p384.pub",
      "ES256, io.jwt.verify_rs256, inter.pub",
      "EdDSA, io.jwt.verify_es256, ed.pub"})
  void refusesWrongAlgorithmOrKey(String alg, String builtin, String keyFile) throws Exception {
    assertEquals(BooleanValue.FALSE, call(builtin, s(token(alg)), s(text(keyFile))));
  }

  private static String tamper(String jwt) {
    String[] p = jwt.split("\\.");
    return p[0] + "." + p[1].substring(0, p[1].length() - 2) + "fQ." + p[2];
  }

  @Test
  void verifiesHmacAndRfcVectors() throws Exception {
    assertEquals(BooleanValue.TRUE, call("io.jwt.verify_hs256", s(token("HS256")), s("bank-a-secret")));
    assertEquals(BooleanValue.FALSE, call("io.jwt.verify_hs256", s(token("HS256")), s("bank-b-secret")));
    assertEquals(BooleanValue.FALSE, call("io.jwt.verify_hs384", s(token("HS256")), s("bank-a-secret")));
    assertEquals(BooleanValue.TRUE, call("io.jwt.verify_eddsa", s(RFC8037_JWS),
        s("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}")));
  }

  @Test
  void selectsJwksKeyByKidThenByAlg() throws Exception {
    Value jwk = call("crypto.x509.parse_rsa_private_key", s(text("root.key")));
    ObjectValue pub = ObjectValue.builder().put("kty", "RSA")
        .put("n", ((ObjectValue) jwk).get("n")).put("e", ((ObjectValue) jwk).get("e")).build();
    String ecKey = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"rsa-1\",\"x\":\"AA\",\"y\":\"AA\"}";
    // A kid match decides alone: the EC key named rsa-1 cannot verify the RS256 token.
    String set = "{\"keys\":[" + ecKey.replace("\"x\":\"AA\",\"y\":\"AA\"", ecPoint()) + ","
        + pub.with(s("kid"), s("other")).with(s("alg"), s("RS256")).toJson() + "]}";
    assertEquals(BooleanValue.FALSE, call("io.jwt.verify_rs256", s(token("RS256-kid")), s(set)));
    assertEquals(BooleanValue.TRUE, call("io.jwt.verify_rs256", s(token("RS256")), s(set)));
    // A key whose alg differs from the header is skipped.
    String wrongAlg = "{\"keys\":[" + pub.with(s("alg"), s("PS256")).toJson() + "]}";
    assertEquals(BooleanValue.FALSE, call("io.jwt.verify_rs256", s(token("RS256")), s(wrongAlg)));
  }

  private static String ecPoint() throws Exception {
    ObjectValue k = (ObjectValue) call("crypto.x509.parse_rsa_private_key", s(text("inter.sec1.key")));
    return "\"x\":" + k.get("x").toJson() + ",\"y\":" + k.get("y").toJson();
  }

  static Stream<Arguments> signingKeys() {
    return Stream.of(
        Arguments.of("RS256", "root.key", "io.jwt.verify_rs256", "root.pub"),
        Arguments.of("RS512", "leaf.pkcs1.key", "io.jwt.verify_rs512", "leaf.pem"),
        Arguments.of("PS256", "root.key", "io.jwt.verify_ps256", "root.pem"),
        Arguments.of("PS384", "leaf.key", "io.jwt.verify_ps384", "leaf.pub"),
        Arguments.of("ES256", "inter.key", "io.jwt.verify_es256", "inter.pem"),
        Arguments.of("ES384", "p384.key", "io.jwt.verify_es384", "p384.pub"),
        Arguments.of("ES512", "p521.key", "io.jwt.verify_es512", "p521.pub"),
        Arguments.of("EdDSA", "ed.key", "io.jwt.verify_eddsa", "ed.pub"));
  }

  @ParameterizedTest(name = "{0} signed with {1}")
  @MethodSource("signingKeys")
  void signsWhatOthersVerify(String alg, String privateKey, String verifier, String publicKey) throws Exception {
    Value jwk = call("crypto.x509.parse_rsa_private_key", s(text(privateKey)));
    Value header = json("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
    Value payload = json("{\"sub\":\"bank-a\",\"n\":[1,2]}");
    Value jwt = call("io.jwt.encode_sign", header, payload, jwk);
    assertEquals(BooleanValue.TRUE, call(verifier, jwt, s(text(publicKey))));
    ArrayValue decoded = (ArrayValue) call("io.jwt.decode", jwt);
    assertEquals(header, decoded.get(0));
    assertEquals(payload, decoded.get(1));
  }

  @Test
  void signsRfcVectorsExactly() throws Exception {
    assertEquals(s(RFC7515_A1), call("io.jwt.encode_sign_raw",
        s("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"),
        s("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"),
        s(RFC7515_A1_KEY)));
    // Ed25519 is deterministic (signature computed independently with Python's cryptography);
    // a non-JWT typ allows the plain-text payload, a missing typ does not.
    String jws = ((StringValue) call("io.jwt.encode_sign_raw", s("{\"alg\":\"EdDSA\",\"typ\":\"text/plain\"}"),
        s("Example of Ed25519 signing"), s(RFC8037_KEY))).value();
    assertEquals("MTcHxVDW4-Of8F2PdXZfl5GhfYcxUW5fOy_3IuONB7qFGnwtOqYOGcsc0PqJjoe9BQyEzb0r7gzHOUGZLQHNDQ",
        jws.substring(jws.lastIndexOf('.') + 1));
    assertFails("eval_builtin_error", "type is JWT but payload is not JSON", "io.jwt.encode_sign_raw",
        s("{\"alg\":\"EdDSA\"}"), s("Example of Ed25519 signing"), s(RFC8037_KEY));
  }

  @Test
  void encodeSignWritesRegoTermText() throws Exception {
    Value jwt = call("io.jwt.encode_sign", json("{\"typ\":\"JWT\",\"alg\":\"HS256\"}"),
        json("{\"b\":[1,\"x\"],\"a\":{}}"), json(RFC7515_A1_KEY));
    String header = ((StringValue) jwt).value().split("\\.")[0];
    String payload = ((StringValue) jwt).value().split("\\.")[1];
    assertEquals("{\"alg\": \"HS256\", \"typ\": \"JWT\"}", new String(java.util.Base64.getUrlDecoder().decode(header)));
    assertEquals("{\"a\": {}, \"b\": [1, \"x\"]}", new String(java.util.Base64.getUrlDecoder().decode(payload)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "header not JSON   | x                      | {}     | missing or invalid 'alg' header: invalid character 'x' looking for beginning of value",
      "no alg            | {}                     | {}     | unsupported signature algorithm",
      "unknown alg       | {\"alg\":\"none\"}      | {}     | unknown signature algorithm: none",
      "payload not JSON  | {\"alg\":\"HS256\"}     | {\"a\": | type is JWT but payload is not JSON",
      "key type mismatch | {\"alg\":\"RS256\"}     | {}     | failed to sign payload: invalid key type for RS256"})
  void encodeSignErrors(String what, String header, String payload, String message) {
    assertFails("eval_builtin_error", message, "io.jwt.encode_sign_raw", s(header), s(payload), s(RFC7515_A1_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no periods      | abc                       | encoded JWT had no period separators",
      "two sections    | a.b                       | encoded JWT must have 3 sections, found 2",
      "four sections   | a.b.c.d                   | encoded JWT must have 3 sections, found 4",
      "bad base64      | e%30.e30.                 | JWT header had invalid encoding: illegal base64 data at input byte 1",
      "bad length      | eyJhb.e30.                | JWT header had invalid encoding: illegal base64url string: eyJhb",
      "header no JSON  | bm9wZQ.e30.               | bad JWT header: invalid JSON: invalid character 'o' in literal null (expecting 'u')",
      "header array    | W10.e30.                  | bad JWT header: decoded JSON type was not an Object",
      "JWE             | eyJlbmMiOiJBMTI4R0NNIn0.e30. | JWT is a JWE object, which is not supported",
      "payload array   | e30.W10.                  | decoded JSON type was not an Object"})
  void decodeErrors(String what, String jwt, String message) {
    assertFails("eval_builtin_error", message, "io.jwt.decode", s(jwt));
  }

  @Test
  void decodeReturnsHeaderPayloadAndHexSignature() throws Exception {
    ArrayValue d = (ArrayValue) call("io.jwt.decode", s(RFC7515_A1));
    assertEquals(json("{\"typ\":\"JWT\",\"alg\":\"HS256\"}"), d.get(0));
    assertEquals(json("{\"iss\":\"joe\",\"exp\":1300819380,\"http://example.com/is_root\":true}"), d.get(1));
    assertEquals(s("7418dfb49799e0254ffa607dd8adbbba16d4254d69d6bff05b58055853848d79"), d.get(2));
    assertFails("eval_type_error", "operand 1 must be string but got number", "io.jwt.decode", NumberValue.of(1));
    assertFails("eval_type_error", "operand 2 must be string but got object", "io.jwt.verify_rs256", s(RFC7515_A1), ObjectValue.EMPTY);
  }

  @Test
  void keyArgumentErrors() {
    assertFails("eval_builtin_error", "failed to extract a Key from the PEM certificate", "io.jwt.verify_rs256",
        s(token("RS256")), s(text("leaf.key")));
    assertFails("eval_builtin_error", "extra data after a PEM certificate block", "io.jwt.verify_rs256",
        s(token("RS256")), s(text("root.pem") + "trailing"));
    assertFails("eval_builtin_error", "failed to parse a JWK key (set)", "io.jwt.verify_rs256",
        s(token("RS256")), s("not a key"));
  }

  /** Claims nbf=1800000000, exp=1900000000, iss=tollgate, aud=[bank-a]; the clock is 1811808000. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "cert and audience         | true  | {}",
      "no audience constraint    | false | {\"aud\": \"\"}",
      "issuer matches            | true  | {\"iss\": \"tollgate\"}",
      "issuer differs            | false | {\"iss\": \"other\"}",
      "audience in list          | true  | {\"aud\": \"bank-a\"}",
      "audience not listed       | false | {\"aud\": \"bank-b\"}",
      "alg constraint matches    | true  | {\"alg\": \"RS256\"}",
      "alg constraint differs    | false | {\"alg\": \"PS256\"}",
      "before nbf                | false | {\"time\": 1799999999000000000}",
      "at nbf                    | true  | {\"time\": 1800000000000000000}",
      "just before exp           | true  | {\"time\": 1899999999900000000}",
      "at exp                    | false | {\"time\": 1900000000000000000}"})
  void decodeVerifyConstraints(String what, boolean valid, String extra) throws Exception {
    ObjectValue constraints = ObjectValue.builder().put("cert", s(text("root.pem"))).put("aud", "bank-a").build();
    for (var e : ((ObjectValue) json(extra)).asMap().entrySet()) {
      constraints = constraints.with(e.getKey(), e.getValue());
    }
    ArrayValue r = (ArrayValue) call("io.jwt.decode_verify", s(token("RS256")), constraints);
    assertEquals(BooleanValue.of(valid), r.get(0));
    if (valid) {
      assertEquals(s("tollgate"), ((ObjectValue) r.get(2)).get("iss"));
      assertEquals(s("RS256"), ((ObjectValue) r.get(1)).get("alg"));
    } else {
      assertEquals(ArrayValue.of(BooleanValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY), r);
    }
  }

  @Test
  void audienceConstraintNeedsAnAudClaim() throws Exception {
    Value jwt = call("io.jwt.encode_sign", json("{\"alg\":\"HS256\"}"), json("{\"sub\":\"x\"}"),
        json("{\"kty\":\"oct\",\"k\":\"cw\"}"));
    assertEquals(BooleanValue.TRUE, ((ArrayValue) call("io.jwt.decode_verify", jwt, json("{\"secret\":\"s\"}"))).get(0));
    assertEquals(BooleanValue.FALSE,
        ((ArrayValue) call("io.jwt.decode_verify", jwt, json("{\"secret\":\"s\",\"aud\":\"bank-a\"}"))).get(0));
    // And a token with aud fails when no audience is required.
    assertEquals(BooleanValue.FALSE,
        ((ArrayValue) call("io.jwt.decode_verify", s(token("HS256")), json("{\"secret\":\"bank-a-secret\"}"))).get(0));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no key                | {}                                        | no key constraint",
      "two keys              | {\"secret\": \"s\", \"cert\": \"@\"}      | duplicate key constraints",
      "unknown constraint    | {\"secret\": \"s\", \"foo\": 1}           | unknown token validation constraint: foo",
      "secret not string     | {\"secret\": 1}                           | secret constraint: must be a string",
      "negative time         | {\"secret\": \"s\", \"time\": -1}         | token time constraint: must not be negative",
      "time not number       | {\"secret\": \"s\", \"time\": \"now\"}    | token time constraint: must be a number"})
  void decodeVerifyConstraintErrors(String what, String constraints, String message) {
    Value c = json(constraints.replace("\"@\"", quote(text("root.pem"))));
    assertFails("eval_builtin_error", message, "io.jwt.decode_verify", s(token("HS256")), c);
  }

  private static String quote(String s) {
    return StringValue.of(s).toString();
  }

  @Test
  void decodeVerifyWithSecretJwksAndClock() throws Exception {
    ArrayValue r = (ArrayValue) call("io.jwt.decode_verify", s(token("HS256")),
        json("{\"secret\": \"bank-a-secret\", \"aud\": \"bank-a\"}"));
    assertEquals(BooleanValue.TRUE, r.get(0));
    r = (ArrayValue) call("io.jwt.decode_verify", s(token("ES512")),
        ObjectValue.builder().put("cert", s(text("p521.pub"))).put("aud", "bank-a").build());
    assertEquals(BooleanValue.TRUE, r.get(0));
    r = (ArrayValue) call("io.jwt.decode_verify", s(token("HS256")), json("{\"secret\": \"wrong\"}"));
    assertEquals(BooleanValue.FALSE, r.get(0));
    // Past its exp (2030-03-17), the default clock of the evaluation decides.
    Builtin dv = BuiltinRegistry.standard().get("io.jwt.decode_verify");
    Value late = dv.impl().apply(TestContext.at(1_950_000_000_000_000_000L),
        new Value[] {s(token("HS256")), json("{\"secret\": \"bank-a-secret\", \"aud\": \"bank-a\"}")});
    assertEquals(BooleanValue.FALSE, ((ArrayValue) late).get(0));
  }
}
