package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The {@code io.jwt.*} built-ins: decoding, signature verification (HS, RS, PS, ES, EdDSA),
 * constrained verification and signing of JSON Web Tokens (JWS compact serialization).
 */
final class JwtBuiltins {
  private JwtBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("io.jwt.decode", 1, (ctx, a) -> decode(a[0]));
    for (String alg : List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")) {
      r.function("io.jwt.verify_" + alg.toLowerCase(java.util.Locale.ROOT), 2, (ctx, a) -> verifyWithKey(ctx.policyCache(), alg, a));
    }
    r.function("io.jwt.verify_eddsa", 2, (ctx, a) -> verifyWithKey(ctx.policyCache(), "EdDSA", a));
    for (String alg : List.of("HS256", "HS384", "HS512")) {
      r.function("io.jwt.verify_" + alg.toLowerCase(java.util.Locale.ROOT), 2, (ctx, a) -> verifyHmac(alg, a));
    }
    // As in OPA, these three are nondeterministic: decode_verify reads the clock, and ECDSA and
    // RSA-PSS signatures are randomized.
    r.add(new Builtin("io.jwt.decode_verify", 2, false, true, JwtBuiltins::decodeVerify));
    r.add(new Builtin("io.jwt.encode_sign", 3, false, true, (ctx, a) -> encodeSign(
        RegoText.json(a[0]).getBytes(StandardCharsets.UTF_8),
        RegoText.json(a[1]).getBytes(StandardCharsets.UTF_8),
        RegoText.json(a[2]))));
    r.add(new Builtin("io.jwt.encode_sign_raw", 3, false, true, (ctx, a) -> {
      String key = Args.string(a, 2);
      String header = Args.string(a, 0);
      String payload = Args.string(a, 1);
      return encodeSign(header.getBytes(StandardCharsets.UTF_8), payload.getBytes(StandardCharsets.UTF_8), key);
    }));
  }

  static final Set<String> ALGORITHMS = Set.of(
      "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
      "HS256", "HS384", "HS512", "EdDSA");

  /** The three base64url sections of a compact JWS, still encoded. */
  private record Token(String header, String payload, String signature) {
    String signingInput() {
      return header + "." + payload;
    }
  }

  private static Token split(Value v) throws BuiltinException {
    String s = Args.string(new Value[] {v}, 0);
    if (s.indexOf('.') < 0) {
      throw BuiltinException.failure("encoded JWT had no period separators");
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 3) {
      throw BuiltinException.failure("encoded JWT must have 3 sections, found " + parts.length);
    }
    return new Token(parts[0], parts[1], parts[2]);
  }

  private static byte[] b64(String section, String what) throws BuiltinException {
    try {
      return GoBase64.decodeUrlLenient(section);
    } catch (GoBase64.CorruptInputException e) {
      throw BuiltinException.failure(what == null ? e.getMessage() : what + " had invalid encoding: " + e.getMessage());
    }
  }

  private static ObjectValue jsonObject(byte[] bytes, String prefix) throws BuiltinException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    String syntax = GoJsonSyntax.check(text);
    if (syntax != null) {
      throw BuiltinException.failure(prefix + "invalid JSON: " + syntax);
    }
    Value v;
    try {
      v = Json.parse(text);
    } catch (Json.JsonSyntaxException e) {
      throw BuiltinException.failure(prefix + "invalid JSON: " + e.getMessage());
    }
    if (!(v instanceof ObjectValue o)) {
      throw BuiltinException.failure(prefix + "decoded JSON type was not an Object");
    }
    return o;
  }

  private static ObjectValue decodeHeader(Token t) throws BuiltinException {
    ObjectValue h = jsonObject(b64(t.header(), "JWT header"), "bad JWT header: ");
    if (h.get("enc") != null) {
      throw BuiltinException.failure("JWT is a JWE object, which is not supported");
    }
    return h;
  }

  // ---- io.jwt.decode

  static Value decode(Value jwt) throws BuiltinException {
    Token t = split(jwt);
    ObjectValue header = decodeHeader(t);
    byte[] payload = b64(t.payload(), "JWT payload");
    if (header.get("cty") instanceof StringValue cty && cty.value().equals("JWT")) {
      // A nested token: the payload is itself an encoded JWT, possibly quoted.
      String inner = trim(new String(payload, StandardCharsets.UTF_8), "\"'");
      return decode(StringValue.of(inner));
    }
    ObjectValue claims = jsonObject(payload, "");
    byte[] sig = b64(t.signature(), "JWT signature");
    return ArrayValue.of(header, claims, StringValue.of(HexFormat.of().formatHex(sig)));
  }

  private static String trim(String s, String cut) {
    int start = 0;
    int end = s.length();
    while (start < end && cut.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && cut.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }

  // ---- header fields OPA interprets

  private record Header(String alg, String kid, String cty, Set<String> crit, List<String> unknown) {
    /** RFC 7515: alg is required, and critical parameters must be understood. */
    boolean valid() {
      if (alg.isEmpty()) {
        return false;
      }
      for (String u : unknown) {
        if (crit.contains(u)) {
          return false;
        }
      }
      return true;
    }
  }

  private static Header parseHeader(ObjectValue h) throws BuiltinException {
    String alg = "", kid = "", cty = "";
    Set<String> crit = new java.util.HashSet<>();
    List<String> unknown = new ArrayList<>();
    for (Value k : h.sortedKeys()) {
      String name = k instanceof StringValue s ? s.value() : k.toJson();
      Value v = h.get(k);
      switch (name) {
        case "alg" -> alg = headerString("alg", v);
        case "kid" -> kid = headerString("kid", v);
        case "typ" -> headerString("typ", v);
        case "cty" -> cty = headerString("cty", v);
        case "crit" -> {
          if (!(v instanceof ArrayValue a)) {
            throw BuiltinException.failure("crit: must be a list");
          }
          for (Value e : a.asList()) {
            if (e instanceof StringValue s) {
              crit.add(s.value());
            }
          }
          if (crit.isEmpty()) {
            throw BuiltinException.failure("crit: must be a nonempty list");
          }
        }
        default -> unknown.add(name);
      }
    }
    return new Header(alg, kid, cty, crit, unknown);
  }

  private static String headerString(String name, Value v) throws BuiltinException {
    if (v instanceof StringValue s) {
      return s.value();
    }
    throw BuiltinException.failure(name + ": must be a string");
  }

  // ---- verification keys

  /** A key OPA may verify with; alg and kid come from a JWKS and are empty otherwise. */
  record VerificationKey(Object key, String alg, String kid) {}

  /**
   * Keys from a PEM certificate, a PEM public key, or a JWK / JWK set, parsed once per policy:
   * policies pass the same few keys on every request, and parsing a certificate costs far more
   * than verifying a signature with it.
   */
  static List<VerificationKey> keysFromCertOrJwk(BuiltinCache cache, String text) throws BuiltinException {
    KeyText key = new KeyText(text);
    @SuppressWarnings("unchecked")
    List<VerificationKey> cached = (List<VerificationKey>) cache.keys.get(key);
    if (cached != null) {
      return cached;
    }
    List<VerificationKey> keys = List.copyOf(parseKeys(text));
    cache.keys.put(key, keys);
    return keys;
  }

  private record KeyText(String text) {}

  private static List<VerificationKey> parseKeys(String text) throws BuiltinException {
    Pem.Block block = Pem.decode(text);
    if (block != null) {
      if (block.rest().length > 0) {
        throw BuiltinException.failure("extra data after a PEM certificate block");
      }
      if (block.type().equals("CERTIFICATE")) {
        try {
          X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
              .generateCertificate(new java.io.ByteArrayInputStream(block.bytes()));
          return List.of(new VerificationKey(cert.getPublicKey(), "", ""));
        } catch (CertificateException | RuntimeException e) {
          throw BuiltinException.failure("failed to parse a PEM certificate: " + e.getMessage());
        }
      }
      if (block.type().equals("PUBLIC KEY")) {
        try {
          PublicKey k = Keys.publicKeyFromSpki(block.bytes());
          if (k == null) {
            throw BuiltinException.failure("failed to parse a PEM public key: x509: unknown public key algorithm");
          }
          return List.of(new VerificationKey(k, "", ""));
        } catch (Der.DerException | RuntimeException e) {
          throw BuiltinException.failure("failed to parse a PEM public key: " + e.getMessage());
        }
      }
      throw BuiltinException.failure("failed to extract a Key from the PEM certificate");
    }
    List<Jwk> jwks;
    try {
      jwks = Jwk.parseSet(text);
    } catch (Jwk.JwkException e) {
      throw BuiltinException.failure("failed to parse a JWK key (set): " + e.getMessage());
    }
    List<VerificationKey> keys = new ArrayList<>();
    for (Jwk k : jwks) {
      if (!k.alg().isEmpty() && !ALGORITHMS.contains(k.alg())) {
        continue;
      }
      keys.add(new VerificationKey(k.publicKey(), k.alg(), k.kid()));
    }
    return keys;
  }

  // ---- io.jwt.verify_*

  private static Value verifyWithKey(BuiltinCache cache, String alg, Value[] a) throws BuiltinException {
    Token t = split(a[0]);
    String keyText = Args.string(a, 1);
    List<VerificationKey> keys = keysFromCertOrJwk(cache, keyText);
    byte[] sig = b64(t.signature(), null);
    Header header = parseHeader(decodeHeader(t));
    byte[] input = t.signingInput().getBytes(StandardCharsets.UTF_8);
    return BooleanValue.of(verifyWithKeys(keys, header, alg, input, sig, false));
  }

  /**
   * OPA's key selection: a key whose kid matches the header's decides alone; otherwise any key
   * without an alg, or with the header's alg, may verify.
   */
  private static boolean verifyWithKeys(List<VerificationKey> keys, Header header, String alg,
      byte[] input, byte[] sig, boolean strictEcLength) {
    if (!header.kid().isEmpty()) {
      for (VerificationKey k : keys) {
        if (k.kid().equals(header.kid())) {
          return JwsSignatures.verify(alg, k.key(), input, sig, strictEcLength);
        }
      }
    }
    for (VerificationKey k : keys) {
      if (!k.alg().isEmpty() && !k.alg().equals(header.alg())) {
        continue;
      }
      if (JwsSignatures.verify(alg, k.key(), input, sig, strictEcLength)) {
        return true;
      }
    }
    return false;
  }

  private static Value verifyHmac(String alg, Value[] a) throws BuiltinException {
    Args.string(a, 0);
    String secret = Args.string(a, 1);
    Token t = split(a[0]);
    byte[] sig = b64(t.signature(), null);
    byte[] input = t.signingInput().getBytes(StandardCharsets.UTF_8);
    return BooleanValue.of(JwsSignatures.verify(alg, secret.getBytes(StandardCharsets.UTF_8), input, sig, false));
  }

  // ---- io.jwt.decode_verify

  private static final class Constraints {
    String secret = "";
    String alg = "";
    String iss = "";
    String aud = "";
    String cert;
    List<VerificationKey> keys;
    double time = -1;
  }

  /**
   * A token's signature check under one set of key and algorithm constraints. It depends on
   * nothing else (the clock is applied afterwards), so its outcome is remembered per policy:
   * a client retrying with the same token, valid or forged, costs one map read instead of a
   * signature verification.
   */
  private record SignatureCheck(String token, String cert, String secret, String alg) {}

  /** The outcome of a signature check: verified header and claims, or {@link #FORGED}. */
  private record Checked(ObjectValue header, ObjectValue claims) {}

  private static final Checked FORGED = new Checked(ObjectValue.EMPTY, ObjectValue.EMPTY);
  private static final ArrayValue UNVERIFIED =
      ArrayValue.of(BooleanValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY);

  private static Value decodeVerify(BuiltinContext ctx, Value[] a) throws BuiltinException {
    ObjectValue given = Args.object(a, 1);
    Constraints c = new Constraints();
    for (Value k : given.sortedKeys()) {
      String name = k instanceof StringValue s ? s.value() : k.toJson();
      Value v = given.get(k);
      switch (name) {
        case "cert" -> {
          if (!(v instanceof StringValue s)) {
            throw BuiltinException.failure("cert constraint: must be a string");
          }
          c.cert = s.value();
          c.keys = keysFromCertOrJwk(ctx.policyCache(), s.value());
        }
        case "secret" -> c.secret = constraintString(name, v);
        case "alg" -> c.alg = constraintString(name, v);
        case "iss" -> c.iss = constraintString(name, v);
        case "aud" -> c.aud = constraintString(name, v);
        case "time" -> c.time = timeFrom(v);
        default -> throw BuiltinException.failure("unknown token validation constraint: " + name);
      }
    }
    if (c.time == -1) {
      c.time = (double) ctx.nowNanos();
    }
    int keyConstraints = (c.keys != null ? 1 : 0) + (c.secret.isEmpty() ? 0 : 1);
    if (keyConstraints > 1) {
      throw BuiltinException.failure("duplicate key constraints");
    }
    if (keyConstraints < 1) {
      throw BuiltinException.failure("no key constraint");
    }
    ArrayValue unverified = UNVERIFIED;

    String token = Args.string(a, 0);
    SignatureCheck check = new SignatureCheck(token, c.cert, c.secret, c.alg);
    BuiltinCache cache = ctx.policyCache();
    Checked checked = (Checked) cache.tokens.get(check);
    if (checked == null) {
      checked = checkSignature(a[0], c);
      cache.tokens.put(check, checked);
    }
    if (checked == FORGED) {
      return unverified;
    }
    ObjectValue header = checked.header();
    ObjectValue claims = checked.claims();

    if (!c.iss.isEmpty()) {
      if (!(claims.get("iss") instanceof StringValue iss) || !iss.value().equals(c.iss)) {
        return unverified;
      }
    }
    Value aud = claims.get("aud");
    if (aud != null) {
      if (!validAudience(aud, c.aud)) {
        return unverified;
      }
    } else if (!c.aud.isEmpty()) {
      return unverified;
    }
    NumberValue now = NumberValue.of(new BigDecimal(Double.toString(c.time / 1_000_000_000d)));
    Value exp = claims.get("exp");
    if (exp != null) {
      if (!(exp instanceof NumberValue e)) {
        throw BuiltinException.failure("exp value must be a number");
      }
      if (now.compareNumber(e) >= 0) {
        return unverified;
      }
    }
    Value nbf = claims.get("nbf");
    if (nbf != null) {
      if (!(nbf instanceof NumberValue n)) {
        throw BuiltinException.failure("nbf value must be a number");
      }
      if (now.compareNumber(n) < 0) {
        return unverified;
      }
    }
    return ArrayValue.of(BooleanValue.TRUE, header, claims);
  }

  /** Verifies the signature (of each nested token too); throws on malformed tokens. */
  private static Checked checkSignature(Value jwt, Constraints c) throws BuiltinException {
    Value current = jwt;
    while (true) {
      Token t = split(current);
      ObjectValue header = decodeHeader(t);
      Header h = parseHeader(header);
      if (!h.valid()) {
        return FORGED;
      }
      if (!c.alg.isEmpty() && !c.alg.equals(h.alg())) {
        return FORGED;
      }
      byte[] sig = b64(t.signature(), null);
      byte[] input = t.signingInput().getBytes(StandardCharsets.UTF_8);
      boolean ok = c.keys != null
          ? verifyWithKeys(c.keys, h, h.alg(), input, sig, true)
          : JwsSignatures.verify(h.alg(), c.secret.getBytes(StandardCharsets.UTF_8), input, sig, true);
      if (!ok) {
        return FORGED;
      }
      byte[] payload = b64(t.payload(), "JWT payload");
      if (h.cty().equalsIgnoreCase("JWT")) {
        current = StringValue.of(new String(payload, StandardCharsets.UTF_8));
        continue;
      }
      return new Checked(header, jsonObject(payload, ""));
    }
  }

  private static boolean validAudience(Value aud, String wanted) {
    if (aud instanceof StringValue s) {
      return s.value().equals(wanted);
    }
    if (aud instanceof ArrayValue a) {
      for (Value e : a.asList()) {
        if (e instanceof StringValue s && s.value().equals(wanted)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String constraintString(String name, Value v) throws BuiltinException {
    if (v instanceof StringValue s) {
      return s.value();
    }
    throw BuiltinException.failure(name + " constraint: must be a string");
  }

  private static double timeFrom(Value v) throws BuiltinException {
    if (!(v instanceof NumberValue n)) {
      throw BuiltinException.failure("token time constraint: must be a number");
    }
    double d = n.doubleValue();
    if (Double.isInfinite(d) || Double.isNaN(d)) {
      throw BuiltinException.failure("token time constraint: unvalid float64");
    }
    if (d < 0) {
      throw BuiltinException.failure("token time constraint: must not be negative");
    }
    return d;
  }

  // ---- io.jwt.encode_sign / encode_sign_raw

  private static Value encodeSign(byte[] header, byte[] payload, String keyText) throws BuiltinException {
    List<Jwk> keys;
    try {
      keys = Jwk.parseSet(keyText);
    } catch (Jwk.JwkException e) {
      throw BuiltinException.failure(e.getMessage());
    }
    if (keys.isEmpty()) {
      throw BuiltinException.failure("no keys found in JWK set");
    }
    Jwk key = keys.getFirst();
    String headerText = new String(header, StandardCharsets.UTF_8);
    String syntax = GoJsonSyntax.check(headerText);
    if (syntax != null) {
      throw BuiltinException.failure("missing or invalid 'alg' header: " + syntax);
    }
    if (!(Json.parse(headerText) instanceof ObjectValue h)) {
      throw BuiltinException.failure("missing or invalid 'alg' header: header is not a JSON object");
    }
    if (!(h.get("alg") instanceof StringValue algValue)) {
      throw BuiltinException.failure("unsupported signature algorithm: missing or invalid 'alg' header");
    }
    String alg = algValue.value();
    if (!ALGORITHMS.contains(alg)) {
      throw BuiltinException.failure("unknown signature algorithm: " + alg);
    }
    Value typ = h.get("typ");
    boolean jwtTyped = !(typ instanceof StringValue s) || s.value().equals("JWT");
    if (jwtTyped && GoJsonSyntax.check(new String(payload, StandardCharsets.UTF_8)) != null) {
      throw BuiltinException.failure("type is JWT but payload is not JSON");
    }
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String signingInput = enc.encodeToString(header) + "." + enc.encodeToString(payload);
    byte[] sig;
    try {
      sig = JwsSignatures.sign(alg, key.privateKey(), signingInput.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw BuiltinException.failure("failed to sign payload: " + e.getMessage());
    }
    return StringValue.of(signingInput + "." + enc.encodeToString(sig));
  }
}
