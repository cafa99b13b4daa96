package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code crypto.*} built-ins: digests, HMACs, and X.509 / key parsing with results shaped like
 * the Go structures OPA returns.
 */
final class CryptoBuiltins {
  private CryptoBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("crypto.md5", 1, (ctx, a) -> digest("MD5", Args.string(a, 0)));
    r.function("crypto.sha1", 1, (ctx, a) -> digest("SHA-1", Args.string(a, 0)));
    r.function("crypto.sha256", 1, (ctx, a) -> digest("SHA-256", Args.string(a, 0)));
    r.function("crypto.hmac.md5", 2, (ctx, a) -> hmac("HmacMD5", a));
    r.function("crypto.hmac.sha1", 2, (ctx, a) -> hmac("HmacSHA1", a));
    r.function("crypto.hmac.sha256", 2, (ctx, a) -> hmac("HmacSHA256", a));
    r.function("crypto.hmac.sha512", 2, (ctx, a) -> hmac("HmacSHA512", a));
    r.function("crypto.hmac.equal", 2, (ctx, a) -> BooleanValue.of(MessageDigest.isEqual(
        Args.string(a, 0).getBytes(StandardCharsets.UTF_8), Args.string(a, 1).getBytes(StandardCharsets.UTF_8))));
    r.function("crypto.x509.parse_certificates", 1, (ctx, a) -> parseCertificates(Args.string(a, 0)));
    r.function("crypto.x509.parse_and_verify_certificates", 1,
        (ctx, a) -> parseAndVerify(ctx, Args.string(a, 0), null));
    r.function("crypto.x509.parse_and_verify_certificates_with_options", 2, (ctx, a) -> {
      String input = Args.string(a, 0);
      return parseAndVerify(ctx, input, Args.object(a, 1));
    });
    r.function("crypto.x509.parse_certificate_request", 1, (ctx, a) -> parseCertificateRequest(Args.string(a, 0)));
    r.function("crypto.x509.parse_keypair", 2, (ctx, a) -> {
      // OPA's runtime check names the key "operand 1"; the right position is clearer.
      return parseKeyPair(Args.string(a, 0), Args.string(a, 1));
    });
    r.function("crypto.x509.parse_rsa_private_key", 1, (ctx, a) -> parseRsaPrivateKey(Args.string(a, 0)));
    r.function("crypto.parse_private_keys", 1, (ctx, a) -> parsePrivateKeys(Args.string(a, 0)));
  }

  // ---- digests

  private static Value digest(String alg, String s) throws BuiltinException {
    try {
      return StringValue.of(HexFormat.of().formatHex(
          MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8))));
    } catch (GeneralSecurityException e) {
      throw BuiltinException.failure(e.getMessage());
    }
  }

  private static Value hmac(String alg, Value[] a) throws BuiltinException {
    byte[] message = Args.string(a, 0).getBytes(StandardCharsets.UTF_8);
    byte[] key = Args.string(a, 1).getBytes(StandardCharsets.UTF_8);
    try {
      Mac mac = Mac.getInstance(alg);
      // SecretKeySpec rejects an empty key; one zero byte pads to the same HMAC block.
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, alg));
      return StringValue.of(HexFormat.of().formatHex(mac.doFinal(message)));
    } catch (GeneralSecurityException e) {
      throw BuiltinException.failure(e.getMessage());
    }
  }

  // ---- certificates

  /** Certificates from PEM, base64-wrapped PEM, or base64 DER (one or many), as OPA accepts them. */
  static List<X509Certificate> certificatesFrom(String input) throws BuiltinException {
    byte[] der;
    if (input.startsWith("-----BEGIN")) {
      der = pemCertificates(input.getBytes(StandardCharsets.UTF_8));
    } else {
      byte[] decoded;
      try {
        decoded = GoBase64.decodeStd(input);
      } catch (GoBase64.CorruptInputException e) {
        throw BuiltinException.failure(e.getMessage());
      }
      der = startsWith(decoded, "-----BEGIN") ? pemCertificates(decoded) : decoded;
    }
    return parseDerCertificates(der);
  }

  private static boolean startsWith(byte[] b, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    return b.length >= p.length && java.util.Arrays.equals(b, 0, p.length, p, 0, p.length);
  }

  private static byte[] pemCertificates(byte[] pem) throws BuiltinException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] rest = pem;
    while (rest.length > 0) {
      Pem.Block block = Pem.decode(rest);
      if (block == null) {
        break;
      }
      if (!block.type().equals("CERTIFICATE")) {
        throw BuiltinException.failure("PEM block type is '" + block.type() + "', expected CERTIFICATE");
      }
      out.writeBytes(block.bytes());
      rest = block.rest();
    }
    return out.toByteArray();
  }

  static List<X509Certificate> parseDerCertificates(byte[] der) throws BuiltinException {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (Der.Element e : Der.readAll(der)) {
        certs.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(e.encoded())));
      }
    } catch (Der.DerException | GeneralSecurityException | RuntimeException e) {
      throw BuiltinException.failure("x509: malformed certificate");
    }
    return certs;
  }

  private static Value parseCertificates(String input) throws BuiltinException {
    List<Value> out = new ArrayList<>();
    for (X509Certificate c : certificatesFrom(input)) {
      out.add(certJson(c, true));
    }
    return ArrayValue.of(out);
  }

  private static Value certJson(X509Certificate c, boolean extended) throws BuiltinException {
    try {
      return extended ? GoX509Json.extendedCertificate(c) : GoX509Json.certificate(c);
    } catch (Der.DerException | RuntimeException e) {
      throw BuiltinException.failure("x509: malformed certificate");
    }
  }

  /** Go's x509.VerifyOptions, as far as OPA lets policies set them. */
  private record VerifyOptions(String dnsName, Long currentTimeNanos, Set<Integer> keyUsages) {}

  /** Option names for Go's x509.ExtKeyUsage values, numbered as Go numbers them. */
  private static final Map<String, Integer> KEY_USAGE_OPTIONS = keyUsageOptions();

  private static Map<String, Integer> keyUsageOptions() {
    Map<String, Integer> m = new LinkedHashMap<>();
    String[] names = {"KeyUsageAny", "KeyUsageServerAuth", "KeyUsageClientAuth", "KeyUsageCodeSigning",
        "KeyUsageEmailProtection", "KeyUsageIPSECEndSystem", "KeyUsageIPSECTunnel", "KeyUsageIPSECUser",
        "KeyUsageTimeStamping", "KeyUsageOCSPSigning", "KeyUsageMicrosoftServerGatedCrypto",
        "KeyUsageNetscapeServerGatedCrypto", "KeyUsageMicrosoftCommercialCodeSigning",
        "KeyUsageMicrosoftKernelCodeSigning"};
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], i);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static VerifyOptions verifyOptions(ObjectValue o) throws BuiltinException {
    String dns = "";
    Long time = null;
    Set<Integer> usages = new HashSet<>();
    for (Value k : o.sortedKeys()) {
      if (!(k instanceof StringValue ks)) {
        continue;
      }
      Value v = o.get(k);
      switch (ks.value()) {
        case "DNSName" -> {
          if (!(v instanceof StringValue s)) {
            throw BuiltinException.failure("'DNSName' should be a string");
          }
          dns = trimQuotes(s.value());
        }
        case "CurrentTime" -> {
          if (!(v instanceof NumberValue n)) {
            throw BuiltinException.failure("'CurrentTime' should be a number");
          }
          if (!n.isInteger() || !n.isLong()) {
            throw BuiltinException.failure("'CurrentTime' should be a valid int64 number");
          }
          time = n.longValue();
        }
        case "MaxConstraintComparisons" -> {
          if (!(v instanceof NumberValue n)) {
            throw BuiltinException.failure("'MaxConstraintComparisons' should be a number");
          }
          if (!n.isInteger() || !n.isLong()) {
            throw BuiltinException.failure("'MaxConstraintComparisons' should be a valid number");
          }
        }
        case "KeyUsages" -> {
          List<Value> items;
          if (v instanceof ArrayValue arr) {
            items = arr.asList();
          } else if (v instanceof SetValue set) {
            items = set.sorted();
          } else {
            throw BuiltinException.failure("'KeyUsages' should be an Array or Set");
          }
          List<String> invalid = new ArrayList<>();
          for (Value item : items) {
            if (item instanceof StringValue s) {
              String name = trimQuotes(s.value());
              Integer u = KEY_USAGE_OPTIONS.get(name);
              if (u == null) {
                invalid.add(name);
              } else {
                usages.add(u);
              }
            }
          }
          if (!invalid.isEmpty()) {
            throw BuiltinException.failure("invalid entries for 'KeyUsages' found: [" + String.join(" ", invalid) + "]");
          }
        }
        default -> throw BuiltinException.failure("invalid key option");
      }
    }
    return new VerifyOptions(dns, time, usages);
  }

  private static String trimQuotes(String s) {
    int a = 0, b = s.length();
    while (a < b && s.charAt(a) == '"') {
      a++;
    }
    while (b > a && s.charAt(b - 1) == '"') {
      b--;
    }
    return s.substring(a, b);
  }

  private static Value parseAndVerify(BuiltinContext ctx, String input, ObjectValue options) throws BuiltinException {
    ArrayValue invalid = ArrayValue.of(BooleanValue.FALSE, ArrayValue.EMPTY);
    List<X509Certificate> certs;
    try {
      certs = certificatesFrom(input);
    } catch (BuiltinException e) {
      return invalid;
    }
    VerifyOptions opts = options == null ? new VerifyOptions("", null, Set.of()) : verifyOptions(options);
    long now = opts.currentTimeNanos() != null ? opts.currentTimeNanos() : ctx.nowNanos();
    List<X509Certificate> chain = verifyChain(certs, opts, now);
    if (chain == null) {
      return invalid;
    }
    List<Value> out = new ArrayList<>();
    for (X509Certificate c : chain) {
      out.add(certJson(c, options == null));
    }
    return ArrayValue.of(BooleanValue.TRUE, ArrayValue.of(out));
  }

  /**
   * Verifies the chain the way OPA sets up Go's verifier: the first certificate is the root, the
   * last the leaf, the rest intermediates. Returns the chain leaf first, or null when invalid.
   */
  static List<X509Certificate> verifyChain(List<X509Certificate> certs, VerifyOptions opts, long nowNanos) {
    if (certs.size() < 2) {
      return null;
    }
    X509Certificate root = certs.getFirst();
    X509Certificate leaf = certs.getLast();
    Date at = new Date(Math.floorDiv(nowNanos, 1_000_000L));
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(Set.of(new TrustAnchor(root, null)), target);
      params.setRevocationEnabled(false);
      params.setDate(at);
      List<X509Certificate> pool = new ArrayList<>(certs.subList(1, certs.size()));
      params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
      List<X509Certificate> chain = new ArrayList<>();
      for (var c : result.getCertPath().getCertificates()) {
        chain.add((X509Certificate) c);
      }
      chain.add(root);
      root.checkValidity(at);
      for (int i = 0; i < chain.size() - 1; i++) {
        // Go refuses SHA-1 and MD5 signatures on anything but a root's self-signature.
        String sigAlg = chain.get(i).getSigAlgName().toUpperCase(Locale.ROOT);
        if (sigAlg.startsWith("SHA1") || sigAlg.startsWith("MD5") || sigAlg.startsWith("MD2")) {
          return null;
        }
      }
      if (!extKeyUsageAllowed(chain, opts.keyUsages())) {
        return null;
      }
      if (!opts.dnsName().isEmpty() && !matchesHostname(leaf, opts.dnsName())) {
        return null;
      }
      return chain;
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** Go's rule: each certificate that lists extended key usages must allow a requested one. */
  private static boolean extKeyUsageAllowed(List<X509Certificate> chain, Set<Integer> requested)
      throws java.security.cert.CertificateParsingException {
    Set<Integer> wanted = new HashSet<>(requested.isEmpty() ? Set.of(1) : requested);
    if (wanted.contains(0)) {
      return true;
    }
    for (X509Certificate c : chain) {
      List<String> ekus = c.getExtendedKeyUsage();
      if (ekus == null || ekus.isEmpty()) {
        continue;
      }
      Set<Integer> has = new HashSet<>();
      for (String oid : ekus) {
        Integer u = GoX509Json.EXT_KEY_USAGES.get(oid);
        if (u != null) {
          has.add(u);
        }
      }
      if (has.contains(0)) {
        continue;
      }
      wanted.retainAll(has);
      if (wanted.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesHostname(X509Certificate leaf, String host) throws java.security.cert.CertificateParsingException {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    var sans = leaf.getSubjectAlternativeNames();
    if (sans == null) {
      return false;
    }
    boolean ipHost = h.matches("[0-9.]+") || h.contains(":");
    for (List<?> san : sans) {
      int type = (Integer) san.get(0);
      String v = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
      if (ipHost && type == 7 && sameIp(v, h)) {
        return true;
      }
      if (!ipHost && type == 2 && dnsMatch(v, h)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameIp(String a, String b) {
    try {
      return java.net.InetAddress.ofLiteral(a).equals(java.net.InetAddress.ofLiteral(b));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean dnsMatch(String pattern, String host) {
    if (pattern.endsWith(".")) {
      pattern = pattern.substring(0, pattern.length() - 1);
    }
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  // ---- certificate requests

  private static Value parseCertificateRequest(String input) throws BuiltinException {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    if (!input.startsWith("-----BEGIN CERTIFICATE REQUEST-----")) {
      try {
        bytes = GoBase64.decodeStd(input);
      } catch (GoBase64.CorruptInputException e) {
        throw BuiltinException.failure(e.getMessage());
      }
    }
    Pem.Block block = Pem.decode(bytes);
    if (block != null) {
      if (!block.type().equals("CERTIFICATE REQUEST")) {
        throw BuiltinException.failure("invalid PEM-encoded certificate signing request");
      }
      bytes = block.bytes();
    }
    try {
      return GoX509Json.certificateRequest(bytes);
    } catch (Der.DerException | RuntimeException e) {
      throw BuiltinException.failure("asn1: structure error: " + e.getMessage());
    }
  }

  // ---- keys

  private static Value parseKeyPair(String certText, String keyText) throws BuiltinException {
    byte[] certPem = pemOrDecoded(certText, "CERTIFICATE");
    byte[] keyPem = pemOrDecoded(keyText, "PRIVATE KEY");
    List<X509Certificate> certs = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    byte[] rest = certPem;
    while (true) {
      Pem.Block b = Pem.decode(rest);
      if (b == null) {
        break;
      }
      if (b.type().equals("CERTIFICATE")) {
        certs.addAll(parseDerCertificates(b.bytes()));
      } else {
        skipped.add(b.type());
      }
      rest = b.rest();
    }
    if (certs.isEmpty()) {
      throw BuiltinException.failure(skipped.isEmpty()
          ? "tls: failed to find any PEM data in certificate input"
          : "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: " + skipped);
    }
    Pem.Block keyBlock = null;
    rest = keyPem;
    skipped.clear();
    while (true) {
      Pem.Block b = Pem.decode(rest);
      if (b == null) {
        break;
      }
      if (b.type().equals("PRIVATE KEY") || b.type().endsWith(" PRIVATE KEY")) {
        keyBlock = b;
        break;
      }
      skipped.add(b.type());
      rest = b.rest();
    }
    if (keyBlock == null) {
      throw BuiltinException.failure(skipped.isEmpty()
          ? "tls: failed to find any PEM data in key input"
          : skipped.contains("CERTIFICATE")
              ? "tls: found a certificate rather than a key in the PEM for the private key"
              : "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: " + skipped);
    }
    PrivateKey key = anyPrivateKey(keyBlock.bytes());
    X509Certificate leaf = certs.getFirst();
    try {
      if (!Keys.matches(leaf.getPublicKey(), key)) {
        throw BuiltinException.failure(leaf.getPublicKey().getAlgorithm().equals(key.getAlgorithm())
            || (leaf.getPublicKey().getAlgorithm().startsWith("Ed") && key.getAlgorithm().startsWith("Ed"))
            ? "tls: private key does not match public key"
            : "tls: private key type does not match public key type");
      }
      List<Value> ders = new ArrayList<>();
      for (X509Certificate c : certs) {
        ders.add(StringValue.of(Base64.getEncoder().encodeToString(c.getEncoded())));
      }
      return ObjectValue.builder()
          .put("Certificate", ArrayValue.of(ders))
          .put("PrivateKey", GoX509Json.privateKey(key))
          .put("SupportedSignatureAlgorithms", NullValue.INSTANCE)
          .put("OCSPStaple", NullValue.INSTANCE)
          .put("SignedCertificateTimestamps", NullValue.INSTANCE)
          .put("Leaf", certJson(leaf, false))
          .build();
    } catch (GeneralSecurityException e) {
      throw BuiltinException.failure("tls: " + e.getMessage());
    }
  }

  /** Go's tls key parsing order: PKCS#1, then PKCS#8, then SEC 1. */
  private static PrivateKey anyPrivateKey(byte[] der) throws BuiltinException {
    try {
      return Keys.pkcs1(der);
    } catch (Keys.KeyException e) {
      // try the next format
    }
    try {
      return Keys.pkcs8(der);
    } catch (Keys.KeyException e) {
      // try the next format
    }
    try {
      return Keys.sec1(der, null);
    } catch (Keys.KeyException e) {
      throw BuiltinException.failure("tls: failed to parse private key");
    }
  }

  /** PEM text, base64 of PEM, or base64 of DER wrapped into a PEM block of {@code type}. */
  private static byte[] pemOrDecoded(String text, String type) throws BuiltinException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (!startsWith(b, "-----BEGIN ")) {
      try {
        b = GoBase64.decodeStd(text);
      } catch (GoBase64.CorruptInputException e) {
        throw BuiltinException.failure(e.getMessage());
      }
    }
    if (!startsWith(b, "-----BEGIN")) {
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(b);
      b = ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }
    return b;
  }

  private static Value parseRsaPrivateKey(String input) throws BuiltinException {
    if (input.isEmpty()) {
      throw BuiltinException.failure("input PEM data was empty");
    }
    String pem = input;
    if (!input.startsWith("-----BEGIN")) {
      try {
        pem = new String(GoBase64.decodeStd(input), StandardCharsets.UTF_8);
      } catch (GoBase64.CorruptInputException e) {
        throw BuiltinException.failure(e.getMessage());
      }
    }
    List<PrivateKey> keys = privateKeys(pem);
    if (keys.isEmpty()) {
      return NullValue.INSTANCE;
    }
    try {
      return privateJwk(keys.getFirst());
    } catch (GeneralSecurityException e) {
      throw BuiltinException.failure(e.getMessage());
    }
  }

  private static ObjectValue privateJwk(PrivateKey key) throws GeneralSecurityException {
    return switch (key) {
      case RSAPrivateCrtKey k -> Jwk.rsaPrivateJwk(k);
      case ECPrivateKey k -> {
        int size = Keys.curveByteLength(k.getParams());
        var w = Keys.ecPublicPoint(k);
        String crv = switch (size) {
          case 32 -> "P-256";
          case 48 -> "P-384";
          default -> "P-521";
        };
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        yield ObjectValue.builder()
            .put("kty", "EC")
            .put("crv", crv)
            .put("x", enc.encodeToString(JwsSignatures.toFixed(w.getAffineX(), size)))
            .put("y", enc.encodeToString(JwsSignatures.toFixed(w.getAffineY(), size)))
            .put("d", enc.encodeToString(JwsSignatures.toFixed(k.getS(), size)))
            .build();
      }
      case EdECPrivateKey k -> {
        byte[] full = Keys.ed25519PrivateBytes(k);
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        yield ObjectValue.builder()
            .put("kty", "OKP")
            .put("crv", "Ed25519")
            .put("x", enc.encodeToString(java.util.Arrays.copyOfRange(full, 32, 64)))
            .put("d", enc.encodeToString(java.util.Arrays.copyOf(full, 32)))
            .build();
      }
      default -> throw new GeneralSecurityException("unsupported private key type " + key.getAlgorithm());
    };
  }

  private static List<PrivateKey> privateKeys(String pem) throws BuiltinException {
    try {
      return Keys.privateKeysFromPem(pem);
    } catch (Keys.KeyException e) {
      throw BuiltinException.failure(e.getMessage());
    }
  }

  private static Value parsePrivateKeys(String input) throws BuiltinException {
    if (input.isEmpty()) {
      return NullValue.INSTANCE;
    }
    List<Value> out = new ArrayList<>();
    try {
      for (PrivateKey k : privateKeys(input)) {
        out.add(GoX509Json.privateKey(k));
      }
    } catch (GeneralSecurityException e) {
      throw BuiltinException.failure(e.getMessage());
    }
    return ArrayValue.of(out);
  }

}
