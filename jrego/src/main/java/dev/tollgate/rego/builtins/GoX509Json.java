package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Renders certificates, certificate requests and keys the way Go's {@code encoding/json} renders
 * {@code x509.Certificate}, {@code x509.CertificateRequest} and the {@code crypto} key types,
 * because OPA returns exactly that JSON. Field names and numbering follow Go's; nil slices become
 * null.
 */
final class GoX509Json {
  private GoX509Json() {}

  static final Map<String, Integer> SIGNATURE_ALGORITHMS = Map.ofEntries(
      Map.entry("1.2.840.113549.1.1.2", 1),
      Map.entry("1.2.840.113549.1.1.4", 2),
      Map.entry("1.2.840.113549.1.1.5", 3),
      Map.entry("1.2.840.113549.1.1.11", 4),
      Map.entry("1.2.840.113549.1.1.12", 5),
      Map.entry("1.2.840.113549.1.1.13", 6),
      Map.entry("1.2.840.10040.4.3", 7),
      Map.entry("2.16.840.1.101.3.4.3.2", 8),
      Map.entry("1.2.840.10045.4.1", 9),
      Map.entry("1.2.840.10045.4.3.2", 10),
      Map.entry("1.2.840.10045.4.3.3", 11),
      Map.entry("1.2.840.10045.4.3.4", 12),
      Map.entry("1.3.101.112", 16));

  /** Go's x509.ExtKeyUsage numbering by OID. */
  static final Map<String, Integer> EXT_KEY_USAGES = Map.ofEntries(
      Map.entry("2.5.29.37.0", 0),
      Map.entry("1.3.6.1.5.5.7.3.1", 1),
      Map.entry("1.3.6.1.5.5.7.3.2", 2),
      Map.entry("1.3.6.1.5.5.7.3.3", 3),
      Map.entry("1.3.6.1.5.5.7.3.4", 4),
      Map.entry("1.3.6.1.5.5.7.3.5", 5),
      Map.entry("1.3.6.1.5.5.7.3.6", 6),
      Map.entry("1.3.6.1.5.5.7.3.7", 7),
      Map.entry("1.3.6.1.5.5.7.3.8", 8),
      Map.entry("1.3.6.1.5.5.7.3.9", 9),
      Map.entry("1.3.6.1.4.1.311.10.3.3", 10),
      Map.entry("2.16.840.1.113730.4.1", 11),
      Map.entry("1.3.6.1.4.1.311.2.1.22", 12),
      Map.entry("1.3.6.1.4.1.311.61.1.1", 13));

  // ---- certificates

  static ObjectValue certificate(X509Certificate cert) throws Der.DerException {
    return stripRawUris(certificateWithRawUris(cert));
  }

  private static ObjectValue certificateWithRawUris(X509Certificate cert) throws Der.DerException {
    List<Der.Element> certParts = Der.read(raw(cert)).children();
    List<Der.Element> tbs = certParts.get(0).children();
    int i = 0;
    if (tbs.get(0).tag() == 0xa0) {
      i++;
    }
    Der.Element sigAlg = tbs.get(i + 1);
    Der.Element issuer = tbs.get(i + 2);
    Der.Element subject = tbs.get(i + 4);
    Der.Element spki = tbs.get(i + 5);
    List<Der.Element> extensions = new ArrayList<>();
    for (int k = i + 6; k < tbs.size(); k++) {
      if (tbs.get(k).tag() == 0xa3) {
        extensions = tbs.get(k).children().get(0).children();
      }
    }
    Extensions ext = Extensions.parse(extensions);

    ObjectValue.Builder b = ObjectValue.builder();
    b.put("Raw", bytes(raw(cert)));
    b.put("RawTBSCertificate", bytes(certParts.get(0).encoded()));
    b.put("RawSubjectPublicKeyInfo", bytes(spki.encoded()));
    b.put("RawSubject", bytes(subject.encoded()));
    b.put("RawIssuer", bytes(issuer.encoded()));
    b.put("Signature", bytes(cert.getSignature()));
    b.put("SignatureAlgorithm", NumberValue.of(signatureAlgorithm(sigAlg)));
    b.put("PublicKeyAlgorithm", NumberValue.of(publicKeyAlgorithm(cert.getPublicKey())));
    b.put("PublicKey", publicKey(cert.getPublicKey()));
    b.put("Version", NumberValue.of(cert.getVersion()));
    b.put("SerialNumber", NumberValue.of(cert.getSerialNumber()));
    b.put("Issuer", name(issuer));
    b.put("Subject", name(subject));
    b.put("NotBefore", StringValue.of(cert.getNotBefore().toInstant().toString()));
    b.put("NotAfter", StringValue.of(cert.getNotAfter().toInstant().toString()));
    b.put("KeyUsage", NumberValue.of(keyUsage(cert.getKeyUsage())));
    b.put("Extensions", ext.json);
    b.put("ExtraExtensions", NullValue.INSTANCE);
    b.put("UnhandledCriticalExtensions", ext.unhandledCritical.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(ext.unhandledCritical));
    b.put("ExtKeyUsage", ext.extKeyUsage);
    b.put("UnknownExtKeyUsage", ext.unknownExtKeyUsage);
    b.put("BasicConstraintsValid", BooleanValue.of(ext.basicConstraintsValid));
    b.put("IsCA", BooleanValue.of(ext.isCA));
    b.put("MaxPathLen", NumberValue.of(ext.maxPathLen));
    b.put("MaxPathLenZero", BooleanValue.of(ext.basicConstraintsValid && ext.maxPathLen == 0));
    b.put("SubjectKeyId", bytes(ext.subjectKeyId));
    b.put("AuthorityKeyId", bytes(ext.authorityKeyId));
    b.put("OCSPServer", strings(ext.ocspServers));
    b.put("IssuingCertificateURL", strings(ext.issuingCertificateUrls));
    ext.names.putInto(b);
    b.put("PermittedDNSDomainsCritical", BooleanValue.FALSE);
    for (String f : List.of("PermittedDNSDomains", "ExcludedDNSDomains", "PermittedIPRanges",
        "ExcludedIPRanges", "PermittedEmailAddresses", "ExcludedEmailAddresses",
        "PermittedURIDomains", "ExcludedURIDomains")) {
      b.put(f, NullValue.INSTANCE);
    }
    b.put("CRLDistributionPoints", strings(ext.crlDistributionPoints));
    b.put("PolicyIdentifiers", ext.policyIdentifiers.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(ext.policyIdentifiers));
    b.put("Policies", ext.policies.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(ext.policies));
    b.put("InhibitAnyPolicy", NumberValue.ZERO);
    b.put("InhibitAnyPolicyZero", BooleanValue.FALSE);
    b.put("InhibitPolicyMapping", NumberValue.ZERO);
    b.put("InhibitPolicyMappingZero", BooleanValue.FALSE);
    b.put("RequireExplicitPolicy", NumberValue.ZERO);
    b.put("RequireExplicitPolicyZero", BooleanValue.FALSE);
    b.put("PolicyMappings", NullValue.INSTANCE);
    return b.build();
  }

  /** A certificate plus OPA's {@code URIStrings} field. */
  static ObjectValue extendedCertificate(X509Certificate cert) throws Der.DerException {
    ObjectValue base = certificateWithRawUris(cert);
    Value uris = base.get("URIs");
    Value uriStrings = NullValue.INSTANCE;
    if (uris instanceof ArrayValue a) {
      List<Value> out = new ArrayList<>();
      for (Value u : a.asList()) {
        out.add(((ObjectValue) u).get("__raw") != null ? ((ObjectValue) u).get("__raw") : StringValue.EMPTY);
      }
      uriStrings = ArrayValue.of(out);
    }
    return stripRawUris(base).with(StringValue.of("URIStrings"), uriStrings);
  }

  /** Removes the helper key that carries each URI's original text. */
  static ObjectValue stripRawUris(ObjectValue o) {
    if (!(o.get("URIs") instanceof ArrayValue a)) {
      return o;
    }
    List<Value> out = new ArrayList<>();
    for (Value u : a.asList()) {
      ObjectValue.Builder b = ObjectValue.builder();
      ((ObjectValue) u).asMap().forEach((k, v) -> {
        if (!k.equals(StringValue.of("__raw"))) {
          b.put(k, v);
        }
      });
      out.add(b.build());
    }
    return o.with(StringValue.of("URIs"), ArrayValue.of(out));
  }

  private static byte[] raw(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- certificate requests

  static ObjectValue certificateRequest(byte[] der) throws Der.DerException {
    Der.Element root = Der.read(der);
    root.expect(Der.SEQUENCE);
    List<Der.Element> parts = root.children();
    if (parts.size() != 3) {
      throw new Der.DerException("sequence truncated");
    }
    Der.Element info = parts.get(0);
    info.expect(Der.SEQUENCE);
    List<Der.Element> infoParts = info.children();
    if (infoParts.size() < 3) {
      throw new Der.DerException("sequence truncated");
    }
    BigInteger version = infoParts.get(0).integer();
    Der.Element subject = infoParts.get(1);
    subject.expect(Der.SEQUENCE);
    Der.Element spki = infoParts.get(2);
    spki.expect(Der.SEQUENCE);
    List<Der.Element> extensions = new ArrayList<>();
    List<Value> attributes = new ArrayList<>();
    if (infoParts.size() > 3 && infoParts.get(3).tag() == 0xa0) {
      for (Der.Element attr : infoParts.get(3).children()) {
        List<Der.Element> av = attr.children();
        if (av.get(0).oidString().equals("1.2.840.113549.1.9.14")) {
          for (Der.Element set : av.get(1).children()) {
            extensions.addAll(set.children());
          }
        }
        Value a = attribute(av);
        if (a != null) {
          attributes.add(a);
        }
      }
    }
    Extensions ext = Extensions.parse(extensions);
    PublicKey key = Keys.publicKeyFromSpki(spki.encoded());

    ObjectValue.Builder b = ObjectValue.builder();
    b.put("Raw", bytes(der));
    b.put("RawTBSCertificateRequest", bytes(info.encoded()));
    b.put("RawSubjectPublicKeyInfo", bytes(spki.encoded()));
    b.put("RawSubject", bytes(subject.encoded()));
    b.put("Version", NumberValue.of(version));
    b.put("Signature", bytes(parts.get(2).bitStringBytes()));
    b.put("SignatureAlgorithm", NumberValue.of(signatureAlgorithm(parts.get(1))));
    b.put("PublicKeyAlgorithm", NumberValue.of(key == null ? 0 : publicKeyAlgorithm(key)));
    b.put("PublicKey", key == null ? NullValue.INSTANCE : publicKey(key));
    b.put("Subject", name(subject));
    b.put("Attributes", attributes.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(attributes));
    b.put("Extensions", ext.json);
    b.put("ExtraExtensions", NullValue.INSTANCE);
    ext.names.putInto(b);
    return stripRawUris(b.build());
  }

  /**
   * A request attribute the way Go's deprecated {@code CertificateRequest.Attributes} holds it: a
   * SET of SEQUENCEs of (type, value) pairs. Attributes of any other shape are left out, as Go does.
   */
  private static Value attribute(List<Der.Element> av) {
    try {
      List<Value> sets = new ArrayList<>();
      for (Der.Element seq : av.get(1).children()) {
        seq.expect(Der.SEQUENCE);
        List<Value> pairs = new ArrayList<>();
        for (Der.Element pair : seq.children()) {
          pair.expect(Der.SEQUENCE);
          List<Der.Element> tv = pair.children();
          Value value = tv.size() > 1 ? asn1Value(tv.get(1)) : null;
          if (value == null) {
            return null;
          }
          pairs.add(ObjectValue.builder().put("Type", oidArray(tv.get(0).oid())).put("Value", value).build());
        }
        sets.add(ArrayValue.of(pairs));
      }
      return ObjectValue.builder().put("Type", oidArray(av.get(0).oid())).put("Value", ArrayValue.of(sets)).build();
    } catch (Der.DerException | RuntimeException e) {
      return null;
    }
  }

  /** An ASN.1 value decoded into Go's {@code any}, for the common universal types. */
  private static Value asn1Value(Der.Element e) throws Der.DerException {
    return switch (e.tag()) {
      case Der.BOOLEAN -> BooleanValue.of(e.content().length == 1 && e.content()[0] != 0);
      case Der.INTEGER -> NumberValue.of(e.integer());
      case Der.OCTET_STRING -> bytes(e.content());
      case Der.OID -> oidArray(e.oid());
      case 0x0c, 0x13, 0x16, 0x14, 0x1a, 0x12, 0x1e, 0x1c -> StringValue.of(e.string());
      default -> null;
    };
  }

  // ---- names

  private static final Map<String, String> NAME_FIELDS = Map.of(
      "2.5.4.6", "Country",
      "2.5.4.10", "Organization",
      "2.5.4.11", "OrganizationalUnit",
      "2.5.4.7", "Locality",
      "2.5.4.8", "Province",
      "2.5.4.9", "StreetAddress",
      "2.5.4.17", "PostalCode");

  static ObjectValue name(Der.Element nameSeq) throws Der.DerException {
    Map<String, List<Value>> multi = new java.util.LinkedHashMap<>();
    for (String f : List.of("Country", "Organization", "OrganizationalUnit", "Locality", "Province",
        "StreetAddress", "PostalCode")) {
      multi.put(f, new ArrayList<>());
    }
    String serial = "";
    String commonName = "";
    List<Value> names = new ArrayList<>();
    for (Der.Element rdn : nameSeq.children()) {
      for (Der.Element atv : rdn.children()) {
        List<Der.Element> tv = atv.children();
        Der.Element type = tv.get(0);
        String value;
        try {
          value = tv.get(1).string();
        } catch (Der.DerException e) {
          continue;
        }
        String oid = type.oidString();
        names.add(ObjectValue.builder().put("Type", oidArray(type.oid())).put("Value", StringValue.of(value)).build());
        switch (oid) {
          case "2.5.4.3" -> commonName = value;
          case "2.5.4.5" -> serial = value;
          default -> {
            String field = NAME_FIELDS.get(oid);
            if (field != null) {
              multi.get(field).add(StringValue.of(value));
            }
          }
        }
      }
    }
    ObjectValue.Builder b = ObjectValue.builder();
    multi.forEach((k, v) -> b.put(k, v.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(v)));
    b.put("SerialNumber", StringValue.of(serial));
    b.put("CommonName", StringValue.of(commonName));
    b.put("Names", names.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(names));
    b.put("ExtraNames", NullValue.INSTANCE);
    return b.build();
  }

  // ---- extensions

  /** Subject alternative names in Go's field layout. */
  private static final class AltNames {
    final List<Value> dns = new ArrayList<>();
    final List<Value> emails = new ArrayList<>();
    final List<Value> ips = new ArrayList<>();
    final List<Value> uris = new ArrayList<>();

    void putInto(ObjectValue.Builder b) {
      b.put("DNSNames", dns.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(dns));
      b.put("EmailAddresses", emails.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(emails));
      b.put("IPAddresses", ips.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(ips));
      b.put("URIs", uris.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(uris));
    }
  }

  private static final class Extensions {
    Value json = NullValue.INSTANCE;
    Value extKeyUsage = NullValue.INSTANCE;
    Value unknownExtKeyUsage = NullValue.INSTANCE;
    boolean basicConstraintsValid;
    boolean isCA;
    int maxPathLen;
    byte[] subjectKeyId;
    byte[] authorityKeyId;
    final List<String> ocspServers = new ArrayList<>();
    final List<String> issuingCertificateUrls = new ArrayList<>();
    final List<String> crlDistributionPoints = new ArrayList<>();
    final List<Value> policyIdentifiers = new ArrayList<>();
    final List<Value> policies = new ArrayList<>();
    final AltNames names = new AltNames();
    final List<Value> unhandledCritical = new ArrayList<>();

    /** The extensions Go's parser understands; other critical ones are reported as unhandled. */
    private static final java.util.Set<String> HANDLED = java.util.Set.of(
        "2.5.29.14", "2.5.29.15", "2.5.29.17", "2.5.29.19", "2.5.29.30", "2.5.29.31", "2.5.29.32",
        "2.5.29.33", "2.5.29.35", "2.5.29.36", "2.5.29.37", "2.5.29.54", "1.3.6.1.5.5.7.1.1");

    static Extensions parse(List<Der.Element> list) throws Der.DerException {
      Extensions e = new Extensions();
      List<Value> json = new ArrayList<>();
      for (Der.Element ext : list) {
        List<Der.Element> f = ext.children();
        String oid = f.get(0).oidString();
        boolean critical = f.size() == 3 && f.get(1).tag() == Der.BOOLEAN && f.get(1).content().length == 1 && f.get(1).content()[0] != 0;
        Der.Element valueEl = f.get(f.size() - 1);
        valueEl.expect(Der.OCTET_STRING);
        byte[] value = valueEl.content();
        json.add(ObjectValue.builder()
            .put("Id", oidArray(f.get(0).oid()))
            .put("Critical", BooleanValue.of(critical))
            .put("Value", bytes(value))
            .build());
        e.apply(oid, value);
        if (critical && !HANDLED.contains(oid)) {
          e.unhandledCritical.add(oidArray(f.get(0).oid()));
        }
      }
      if (!json.isEmpty()) {
        e.json = ArrayValue.of(json);
      }
      return e;
    }

    private void apply(String oid, byte[] value) throws Der.DerException {
      switch (oid) {
        case "2.5.29.19" -> {
          basicConstraintsValid = true;
          maxPathLen = -1;
          for (Der.Element c : Der.read(value).children()) {
            if (c.tag() == Der.BOOLEAN) {
              isCA = c.content().length == 1 && c.content()[0] != 0;
            } else if (c.tag() == Der.INTEGER) {
              maxPathLen = c.integer().intValue();
            }
          }
        }
        case "2.5.29.14" -> subjectKeyId = Der.read(value).content();
        case "2.5.29.35" -> {
          for (Der.Element c : Der.read(value).children()) {
            if (c.tag() == 0x80) {
              authorityKeyId = c.content();
            }
          }
        }
        case "2.5.29.37" -> {
          List<Value> known = new ArrayList<>();
          List<Value> unknown = new ArrayList<>();
          for (Der.Element c : Der.read(value).children()) {
            Integer k = EXT_KEY_USAGES.get(c.oidString());
            if (k != null) {
              known.add(NumberValue.of(k));
            } else {
              unknown.add(oidArray(c.oid()));
            }
          }
          extKeyUsage = known.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(known);
          unknownExtKeyUsage = unknown.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(unknown);
        }
        case "2.5.29.17" -> {
          for (Der.Element g : Der.read(value).children()) {
            String text = new String(g.content(), java.nio.charset.StandardCharsets.UTF_8);
            switch (g.tag()) {
              case 0x81 -> names.emails.add(StringValue.of(text));
              case 0x82 -> names.dns.add(StringValue.of(text));
              case 0x86 -> names.uris.add(uri(text));
              case 0x87 -> names.ips.add(StringValue.of(ip(g.content())));
              default -> {}
            }
          }
        }
        case "1.3.6.1.5.5.7.1.1" -> {
          for (Der.Element ad : Der.read(value).children()) {
            List<Der.Element> p = ad.children();
            if (p.size() == 2 && p.get(1).tag() == 0x86) {
              String loc = new String(p.get(1).content(), java.nio.charset.StandardCharsets.UTF_8);
              switch (p.get(0).oidString()) {
                case "1.3.6.1.5.5.7.48.1" -> ocspServers.add(loc);
                case "1.3.6.1.5.5.7.48.2" -> issuingCertificateUrls.add(loc);
                default -> {}
              }
            }
          }
        }
        case "2.5.29.31" -> {
          for (Der.Element dp : Der.read(value).children()) {
            for (Der.Element dpName : dp.children()) {
              if (dpName.tag() != 0xa0) {
                continue;
              }
              for (Der.Element full : dpName.children()) {
                if (full.tag() != 0xa0) {
                  continue;
                }
                for (Der.Element g : full.children()) {
                  if (g.tag() == 0x86) {
                    crlDistributionPoints.add(new String(g.content(), java.nio.charset.StandardCharsets.UTF_8));
                  }
                }
              }
            }
          }
        }
        case "2.5.29.32" -> {
          for (Der.Element pi : Der.read(value).children()) {
            Der.Element id = pi.children().get(0);
            policyIdentifiers.add(oidArray(id.oid()));
            policies.add(StringValue.of(id.oidString()));
          }
        }
        default -> {}
      }
    }
  }

  /** Go's url.URL as JSON; {@code __raw} carries the original text for URIStrings. */
  private static Value uri(String text) {
    ObjectValue.Builder b = ObjectValue.builder();
    String scheme = "", opaque = "", host = "", path = "", rawQuery = "", fragment = "";
    try {
      URI u = new URI(text);
      scheme = nz(u.getScheme());
      if (u.isOpaque()) {
        opaque = nz(u.getRawSchemeSpecificPart());
      } else {
        host = nz(u.getRawAuthority());
        path = nz(u.getPath());
        rawQuery = nz(u.getRawQuery());
      }
      fragment = nz(u.getFragment());
    } catch (URISyntaxException e) {
      path = text;
    }
    b.put("Scheme", scheme).put("Opaque", opaque).put("User", NullValue.INSTANCE).put("Host", host)
        .put("Path", path).put("RawPath", "").put("OmitHost", BooleanValue.FALSE)
        .put("ForceQuery", BooleanValue.FALSE).put("RawQuery", rawQuery).put("Fragment", fragment)
        .put("RawFragment", "").put("__raw", text);
    return b.build();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Formats an IP address like Go's net.IP.String. */
  static String ip(byte[] a) {
    if (a.length == 4) {
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }
    if (a.length != 16) {
      return "?" + java.util.HexFormat.of().formatHex(a);
    }
    boolean v4mapped = true;
    for (int i = 0; i < 10; i++) {
      v4mapped &= a[i] == 0;
    }
    if (v4mapped && a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
      return ip(java.util.Arrays.copyOfRange(a, 12, 16));
    }
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    int bestStart = -1, bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i >= 2 && j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }

  // ---- keys

  static int signatureAlgorithm(Der.Element algId) throws Der.DerException {
    List<Der.Element> p = algId.children();
    String oid = p.get(0).oidString();
    if (oid.equals("1.2.840.113549.1.1.10")) {
      // RSASSA-PSS: the hash sits in the parameters
      String params = p.size() > 1 ? java.util.HexFormat.of().formatHex(p.get(1).encoded()) : "";
      if (params.contains("0609608648016503040201")) {
        return 13;
      } else if (params.contains("0609608648016503040202")) {
        return 14;
      } else if (params.contains("0609608648016503040203")) {
        return 15;
      }
      return 0;
    }
    return SIGNATURE_ALGORITHMS.getOrDefault(oid, 0);
  }

  static int publicKeyAlgorithm(PublicKey key) {
    return switch (key) {
      case RSAPublicKey r -> 1;
      case ECPublicKey e -> 3;
      case EdECPublicKey e -> 4;
      default -> key.getAlgorithm().equals("DSA") ? 2 : 0;
    };
  }

  static Value publicKey(PublicKey key) {
    return switch (key) {
      case RSAPublicKey r -> ObjectValue.builder()
          .put("N", NumberValue.of(r.getModulus()))
          .put("E", NumberValue.of(r.getPublicExponent()))
          .build();
      case ECPublicKey e -> ObjectValue.builder()
          .put("Curve", ObjectValue.EMPTY)
          .put("X", NumberValue.of(e.getW().getAffineX()))
          .put("Y", NumberValue.of(e.getW().getAffineY()))
          .build();
      case EdECPublicKey e -> bytes(Keys.ed25519PublicBytes(e));
      default -> NullValue.INSTANCE;
    };
  }

  static Value privateKey(PrivateKey key) throws java.security.GeneralSecurityException {
    return switch (key) {
      case RSAPrivateCrtKey r -> ObjectValue.builder()
          .put("N", NumberValue.of(r.getModulus()))
          .put("E", NumberValue.of(r.getPublicExponent()))
          .put("D", NumberValue.of(r.getPrivateExponent()))
          .put("Primes", ArrayValue.of(NumberValue.of(r.getPrimeP()), NumberValue.of(r.getPrimeQ())))
          .put("Precomputed", ObjectValue.builder()
              .put("Dp", NumberValue.of(r.getPrimeExponentP()))
              .put("Dq", NumberValue.of(r.getPrimeExponentQ()))
              .put("Qinv", NumberValue.of(r.getCrtCoefficient()))
              .put("CRTValues", ArrayValue.EMPTY)
              .build())
          .build();
      case ECPrivateKey e -> {
        java.security.spec.ECPoint w = Keys.ecPublicPoint(e);
        yield ObjectValue.builder()
            .put("Curve", ObjectValue.EMPTY)
            .put("X", NumberValue.of(w.getAffineX()))
            .put("Y", NumberValue.of(w.getAffineY()))
            .put("D", NumberValue.of(e.getS()))
            .build();
      }
      case EdECPrivateKey e -> bytes(Keys.ed25519PrivateBytes(e));
      default -> NullValue.INSTANCE;
    };
  }

  // ---- helpers

  static long keyUsage(boolean[] bits) {
    long v = 0;
    if (bits != null) {
      for (int i = 0; i < Math.min(bits.length, 9); i++) {
        if (bits[i]) {
          v |= 1L << i;
        }
      }
    }
    return v;
  }

  static Value bytes(byte[] b) {
    return b == null ? NullValue.INSTANCE : StringValue.of(Base64.getEncoder().encodeToString(b));
  }

  static Value strings(List<String> list) {
    if (list.isEmpty()) {
      return NullValue.INSTANCE;
    }
    List<Value> out = new ArrayList<>(list.size());
    for (String s : list) {
      out.add(StringValue.of(s));
    }
    return ArrayValue.of(out);
  }

  static ArrayValue oidArray(int[] oid) {
    Value[] out = new Value[oid.length];
    for (int i = 0; i < oid.length; i++) {
      out[i] = NumberValue.of(oid[i]);
    }
    return ArrayValue.wrap(out);
  }
}
