package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.CryptoFixtures.assertFails;
import static dev.tollgate.rego.builtins.CryptoFixtures.call;
import static dev.tollgate.rego.builtins.CryptoFixtures.json;
import static dev.tollgate.rego.builtins.CryptoFixtures.s;
import static dev.tollgate.rego.builtins.CryptoFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CryptoBuiltinsTest {
  private static final String CHAIN = text("root.pem") + text("inter.pem") + text("leaf.pem");

  @ParameterizedTest(name = "{0}({1})")
  @CsvSource(delimiter = '|', emptyValue = "", value = {
      "crypto.md5    | ''          | d41d8cd98f00b204e9800998ecf8427e",
      "crypto.md5    | lorem ipsum | 80a751fde577028640c419000e33eba6",
      "crypto.sha1   | ''          | da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "crypto.sha1   | lorem ipsum | bfb7759a67daeb65410490b4d98bb9da7d1ea2ce",
      "crypto.sha256 | ''          | e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "crypto.sha256 | lorem ipsum | 5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269"})
  void digests(String fn, String input, String hex) throws Exception {
    assertEquals(s(hex), call(fn, s(input)));
  }

  @ParameterizedTest(name = "{0}({1}, {2})")
  @CsvSource(delimiter = '|', emptyValue = "", value = {
      "crypto.hmac.md5    | foo     | bar  | 31b6db9e5eb4addb42f1a6ca07367adc",
      "crypto.hmac.sha1   | foo     | bar  | 85d155c55ed286a300bd1cf124de08d87e914f3a",
      "crypto.hmac.sha256 | msg     | ''   | 5f576a8d68fe4fb7eb823227246353c0870c3b0e878997341db1226b4bd88d61",
      "crypto.hmac.sha512 | ünïcödé | ключ | 8b24a3f4872813b01b3fe5f317f91ff02cde49f43cb82e2fb23e5b9b76367f8e34eb61c433889a50e7b2ffd1479c243e417bcf5358a0123946d81c60d411b9df"})
  void hmacs(String fn, String message, String key, String hex) throws Exception {
    assertEquals(s(hex), call(fn, s(message), s(key)));
  }

  @ParameterizedTest(name = "equal({0}, {1}) = {2}")
  @CsvSource(emptyValue = "", value = {"abc, abc, true", "abc, abd, false", "abc, ab, false", "'', '', true"})
  void hmacEqual(String a, String b, boolean equal) throws Exception {
    assertEquals(BooleanValue.of(equal), call("crypto.hmac.equal", s(a), s(b)));
  }

  @Test
  void operandTypeErrors() {
    assertFails("eval_type_error", "operand 1 must be string but got number", "crypto.md5", NumberValue.of(1));
    assertFails("eval_type_error", "operand 2 must be string but got null", "crypto.hmac.sha256", s("m"), NullValue.INSTANCE);
    assertFails("eval_type_error", "operand 2 must be object but got string",
        "crypto.x509.parse_and_verify_certificates_with_options", s(CHAIN), s("{}"));
    assertFails("eval_type_error", "operand 2 must be string but got array", "crypto.x509.parse_keypair",
        s(text("leaf.pem")), ArrayValue.EMPTY);
  }

  private static List<Value> field(Value certs, String... path) {
    List<Value> out = new ArrayList<>();
    for (Value c : ((ArrayValue) certs).asList()) {
      Value v = c;
      for (String p : path) {
        v = ((ObjectValue) v).get(p);
      }
      out.add(v);
    }
    return out;
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String derOfLeaf() {
    return text("leaf.pem").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
  }

  @Test
  void parsesCertificatesFromPemBase64PemAndDer() throws Exception {
    List<Value> cns = List.of(s("Tollgate Test Root"), s("Tollgate Test Intermediate"), s("bank-a.tollgate.test"));
    assertEquals(cns, field(call("crypto.x509.parse_certificates", s(CHAIN)), "Subject", "CommonName"));
    assertEquals(cns, field(call("crypto.x509.parse_certificates", s(b64(CHAIN))), "Subject", "CommonName"));
    assertEquals(List.of(s("bank-a.tollgate.test")),
        field(call("crypto.x509.parse_certificates", s(derOfLeaf())), "Subject", "CommonName"));
  }

  @Test
  void certificateFieldsFollowGoNames() throws Exception {
    ObjectValue leaf = (ObjectValue) ((ArrayValue) call("crypto.x509.parse_certificates", s(text("leaf.pem")))).get(0);
    assertEquals(json("[\"bank-a.tollgate.test\",\"*.bank-a.tollgate.test\"]"), leaf.get("DNSNames"));
    assertEquals(json("[\"10.0.0.7\",\"2001:db8::1\"]"), leaf.get("IPAddresses"));
    assertEquals(json("[\"ops@bank-a.test\"]"), leaf.get("EmailAddresses"));
    assertEquals(json("[\"spiffe://tollgate.test/ns/bank-a/sa/api\"]"), leaf.get("URIStrings"));
    ObjectValue uri = (ObjectValue) ((ArrayValue) leaf.get("URIs")).get(0);
    assertEquals(s("spiffe"), uri.get("Scheme"));
    assertEquals(s("tollgate.test"), uri.get("Host"));
    assertEquals(s("/ns/bank-a/sa/api"), uri.get("Path"));
    assertEquals(NumberValue.of(4242), leaf.get("SerialNumber"));
    assertEquals(NumberValue.of(3), leaf.get("Version"));
    assertEquals(NumberValue.of(5), leaf.get("KeyUsage"), "digitalSignature | keyEncipherment");
    assertEquals(json("[1]"), leaf.get("ExtKeyUsage"), "serverAuth");
    assertEquals(NumberValue.of(10), leaf.get("SignatureAlgorithm"), "ECDSAWithSHA256");
    assertEquals(NumberValue.of(1), leaf.get("PublicKeyAlgorithm"), "RSA");
    assertEquals(NumberValue.of(65537), ((ObjectValue) leaf.get("PublicKey")).get("E"));
    assertEquals(BooleanValue.FALSE, leaf.get("IsCA"));
    assertEquals(json("[\"Bank A\"]"), ((ObjectValue) leaf.get("Subject")).get("Organization"));
    assertEquals(json("[{\"Type\":[2,5,4,3],\"Value\":\"bank-a.tollgate.test\"},{\"Type\":[2,5,4,10],\"Value\":\"Bank A\"}]"),
        ((ObjectValue) leaf.get("Subject")).get("Names"));
    assertEquals(s("Tollgate Test Intermediate"), ((ObjectValue) leaf.get("Issuer")).get("CommonName"));
    assertTrue(((StringValue) leaf.get("NotBefore")).value().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));

    ArrayValue chain = (ArrayValue) call("crypto.x509.parse_certificates", s(CHAIN));
    assertEquals(List.of(BooleanValue.TRUE, BooleanValue.TRUE, BooleanValue.FALSE), field(chain, "IsCA"));
    assertEquals(List.of(NumberValue.of(-1), NumberValue.of(0), NumberValue.of(-1)), field(chain, "MaxPathLen"));
    assertEquals(List.of(BooleanValue.FALSE, BooleanValue.TRUE, BooleanValue.FALSE), field(chain, "MaxPathLenZero"));
    assertEquals(List.of(NullValue.INSTANCE, NullValue.INSTANCE, json("[\"spiffe://tollgate.test/ns/bank-a/sa/api\"]")),
        field(chain, "URIStrings"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not base64       | foobar       | illegal base64 data at input byte 4",
      "not DER          | YmFkc3RyaW5n | x509: malformed certificate"})
  void certificateErrors(String what, String input, String message) {
    assertFails("eval_builtin_error", message, "crypto.x509.parse_certificates", s(input));
  }

  @Test
  void refusesOtherPemBlocks() {
    assertFails("eval_builtin_error", "PEM block type is 'PRIVATE KEY', expected CERTIFICATE",
        "crypto.x509.parse_certificates", s(text("root.pem") + text("leaf.key")));
  }

  private static List<Value> verifiedNames(Value result) {
    ArrayValue r = (ArrayValue) result;
    List<Value> out = new ArrayList<>();
    out.add(r.get(0));
    out.addAll(field(r.get(1), "Subject", "CommonName"));
    return out;
  }

  @Test
  void verifiesChainsRootFirstLeafLast() throws Exception {
    assertEquals(List.of(BooleanValue.TRUE, s("bank-a.tollgate.test"), s("Tollgate Test Intermediate"), s("Tollgate Test Root")),
        verifiedNames(call("crypto.x509.parse_and_verify_certificates", s(CHAIN))));
    ArrayValue invalid = ArrayValue.of(BooleanValue.FALSE, ArrayValue.EMPTY);
    assertEquals(invalid, call("crypto.x509.parse_and_verify_certificates", s(text("root.pem") + text("leaf.pem"))));
    assertEquals(invalid, call("crypto.x509.parse_and_verify_certificates", s(text("leaf.pem") + text("inter.pem") + text("root.pem"))));
    assertEquals(invalid, call("crypto.x509.parse_and_verify_certificates", s(text("root.pem"))));
    assertEquals(invalid, call("crypto.x509.parse_and_verify_certificates", s("foobar")));
    ObjectValue leaf = (ObjectValue) ((ArrayValue) ((ArrayValue) call("crypto.x509.parse_and_verify_certificates", s(CHAIN))).get(1)).get(0);
    assertTrue(leaf.containsKey(s("URIStrings")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no options                 | true  | {}",
      "wildcard DNS name          | true  | {\"DNSName\": \"api.bank-a.tollgate.test\"}",
      "exact DNS name             | true  | {\"DNSName\": \"bank-a.tollgate.test\"}",
      "IP literal                 | true  | {\"DNSName\": \"10.0.0.7\"}",
      "other DNS name             | false | {\"DNSName\": \"bank-b.tollgate.test\"}",
      "before validity            | false | {\"CurrentTime\": 1577836800000000000}",
      "within validity            | true  | {\"CurrentTime\": 1900000000000000000}",
      "server auth                | true  | {\"KeyUsages\": [\"KeyUsageServerAuth\"]}",
      "client auth only           | false | {\"KeyUsages\": [\"KeyUsageClientAuth\"]}",
      "any usage                  | true  | {\"KeyUsages\": [\"KeyUsageAny\"]}",
      "constraint comparisons     | true  | {\"MaxConstraintComparisons\": 10}"})
  void verifiesWithOptions(String what, boolean valid, String options) throws Exception {
    ArrayValue r = (ArrayValue) call("crypto.x509.parse_and_verify_certificates_with_options", s(CHAIN), json(options));
    assertEquals(BooleanValue.of(valid), r.get(0));
    assertEquals(valid ? 3 : 0, ((ArrayValue) r.get(1)).size());
    if (valid) {
      assertTrue(!((ObjectValue) ((ArrayValue) r.get(1)).get(0)).containsKey(s("URIStrings")), "plain certificates");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "unknown option   | {\"Roots\": 1}                 | invalid key option",
      "DNSName type     | {\"DNSName\": 1}               | 'DNSName' should be a string",
      "CurrentTime type | {\"CurrentTime\": \"now\"}     | 'CurrentTime' should be a number",
      "CurrentTime int  | {\"CurrentTime\": 1.5}         | 'CurrentTime' should be a valid int64 number",
      "KeyUsages type   | {\"KeyUsages\": \"x\"}         | 'KeyUsages' should be an Array or Set",
      "KeyUsages names  | {\"KeyUsages\": [\"A\", \"B\"]} | invalid entries for 'KeyUsages' found: [A B]"})
  void verifyOptionErrors(String what, String options, String message) {
    assertFails("eval_builtin_error", message, "crypto.x509.parse_and_verify_certificates_with_options", s(CHAIN), json(options));
  }

  @Test
  void parsesCertificateRequests() throws Exception {
    for (String input : List.of(text("leaf.csr"), b64(text("leaf.csr")),
        text("leaf.csr").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""))) {
      ObjectValue csr = (ObjectValue) call("crypto.x509.parse_certificate_request", s(input));
      assertEquals(s("bank-a.tollgate.test"), ((ObjectValue) csr.get("Subject")).get("CommonName"));
      assertEquals(json("[\"bank-a.tollgate.test\",\"*.bank-a.tollgate.test\"]"), csr.get("DNSNames"));
      assertEquals(json("[\"10.0.0.7\",\"2001:db8::1\"]"), csr.get("IPAddresses"));
      assertEquals(NumberValue.of(1), csr.get("PublicKeyAlgorithm"));
      assertEquals(NumberValue.of(4), csr.get("SignatureAlgorithm"), "SHA256WithRSA");
      assertEquals(NumberValue.of(0), csr.get("Version"));
      // The extension request, as Go's deprecated Attributes field shows it.
      ObjectValue attr = (ObjectValue) ((ArrayValue) csr.get("Attributes")).get(0);
      assertEquals(json("[1,2,840,113549,1,9,14]"), attr.get("Type"));
      ObjectValue san = (ObjectValue) ((ArrayValue) ((ArrayValue) attr.get("Value")).get(0)).get(0);
      assertEquals(json("[2,5,29,17]"), san.get("Type"));
    }
    assertFails("eval_builtin_error", "asn1: structure error", "crypto.x509.parse_certificate_request", s("YmFkc3RyaW5n"));
    assertFails("eval_builtin_error", "invalid PEM-encoded certificate signing request",
        "crypto.x509.parse_certificate_request", s(b64(text("root.pem"))));
  }

  @Test
  void parsesKeyPairs() throws Exception {
    ObjectValue pair = (ObjectValue) call("crypto.x509.parse_keypair", s(text("leaf.pem")), s(text("leaf.key")));
    assertEquals(s("bank-a.tollgate.test"), ((ObjectValue) ((ObjectValue) pair.get("Leaf")).get("Subject")).get("CommonName"));
    assertEquals(1, ((ArrayValue) pair.get("Certificate")).size());
    assertEquals(NumberValue.of(65537), ((ObjectValue) pair.get("PrivateKey")).get("E"));
    // base64 forms: PEM wrapped in base64, and bare DER
    ObjectValue fromDer = (ObjectValue) call("crypto.x509.parse_keypair", s(derOfLeaf()), s(b64(text("leaf.pkcs1.key"))));
    assertEquals(pair.get("Certificate"), fromDer.get("Certificate"));
    assertEquals(pair.get("PrivateKey"), fromDer.get("PrivateKey"));
    ObjectValue ec = (ObjectValue) call("crypto.x509.parse_keypair", s(text("inter.pem")), s(text("inter.sec1.key")));
    assertEquals(((ObjectValue) ((ObjectValue) ec.get("Leaf")).get("PublicKey")).get("X"),
        ((ObjectValue) ec.get("PrivateKey")).get("X"));

    assertFails("eval_builtin_error", "tls: private key does not match public key",
        "crypto.x509.parse_keypair", s(text("leaf.pem")), s(text("root.key")));
    assertFails("eval_builtin_error", "tls: private key type does not match public key type",
        "crypto.x509.parse_keypair", s(text("inter.pem")), s(text("leaf.key")));
    assertFails("eval_builtin_error", "tls: found a certificate rather than a key in the PEM for the private key",
        "crypto.x509.parse_keypair", s(text("leaf.pem")), s(text("leaf.pem")));
  }

  @Test
  void parsesPrivateKeysToJwk() throws Exception {
    ObjectValue pkcs1 = (ObjectValue) call("crypto.x509.parse_rsa_private_key", s(text("leaf.pkcs1.key")));
    ObjectValue pkcs8 = (ObjectValue) call("crypto.x509.parse_rsa_private_key", s(b64(text("leaf.key"))));
    assertEquals(pkcs1, pkcs8);
    assertEquals(List.of("d", "dp", "dq", "e", "kty", "n", "p", "q", "qi"),
        pkcs1.sortedKeys().stream().map(k -> ((StringValue) k).value()).toList());
    assertEquals(s("AQAB"), pkcs1.get("e"));
    ObjectValue leaf = (ObjectValue) ((ArrayValue) call("crypto.x509.parse_certificates", s(text("leaf.pem")))).get(0);
    BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(((StringValue) pkcs1.get("n")).value()));
    assertEquals(((ObjectValue) leaf.get("PublicKey")).get("N"), NumberValue.of(n));

    assertEquals(NullValue.INSTANCE, call("crypto.x509.parse_rsa_private_key", s("YmFk")));
    assertFails("eval_builtin_error", "input PEM data was empty", "crypto.x509.parse_rsa_private_key", s(""));
    assertFails("eval_builtin_error", "illegal base64 data at input byte 2", "crypto.x509.parse_rsa_private_key", s("no!"));
  }

  @Test
  void parsesPrivateKeysAsGoStructures() throws Exception {
    String pem = text("leaf.pkcs1.key") + text("inter.sec1.key") + "not a key\n" + text("ed.key");
    ArrayValue keys = (ArrayValue) call("crypto.parse_private_keys", s(pem));
    assertEquals(3, keys.size());
    ObjectValue rsa = (ObjectValue) keys.get(0);
    assertEquals(2, ((ArrayValue) rsa.get("Primes")).size());
    assertEquals(json("[]"), ((ObjectValue) rsa.get("Precomputed")).get("CRTValues"));
    ObjectValue inter = (ObjectValue) ((ArrayValue) call("crypto.x509.parse_certificates", s(text("inter.pem")))).get(0);
    assertEquals(((ObjectValue) inter.get("PublicKey")).get("X"), ((ObjectValue) keys.get(1)).get("X"));
    assertEquals(((ObjectValue) inter.get("PublicKey")).get("Y"), ((ObjectValue) keys.get(1)).get("Y"));
    byte[] ed = Base64.getDecoder().decode(((StringValue) keys.get(2)).value());
    assertEquals(64, ed.length);
    String edPub = text("ed.pub").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] spki = Base64.getDecoder().decode(edPub);
    assertEquals(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length)),
        Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(ed, 32, 64)));

    assertEquals(NullValue.INSTANCE, call("crypto.parse_private_keys", s("")));
    assertEquals(ArrayValue.EMPTY, call("crypto.parse_private_keys", s(text("root.pem"))));
  }
}
