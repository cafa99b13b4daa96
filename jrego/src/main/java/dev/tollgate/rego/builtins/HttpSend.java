package dev.tollgate.rego.builtins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code http.send}: OPA's HTTP client built-in on {@link HttpClient}. Off unless the host
 * enables it; limited to the host allow-list when one is set; identical requests are answered
 * once per evaluation. OPA's cross-evaluation response cache ({@code cache}, {@code
 * force_cache}) is not kept: those options are validated and otherwise ignored.
 */
final class HttpSend {
  private HttpSend() {}

  static void register(BuiltinRegistry.Builder r) {
    r.add(new Builtin("http.send", 1, false, true, HttpSend::send));
  }

  private static final Set<String> ALLOWED_KEYS =
      Set.of(
          "method",
          "url",
          "body",
          "enable_redirect",
          "force_json_decode",
          "force_yaml_decode",
          "headers",
          "raw_body",
          "tls_use_system_certs",
          "tls_ca_cert",
          "tls_ca_cert_file",
          "tls_ca_cert_env_variable",
          "tls_client_cert",
          "tls_client_cert_file",
          "tls_client_cert_env_variable",
          "tls_client_key",
          "tls_client_key_file",
          "tls_client_key_env_variable",
          "tls_insecure_skip_verify",
          "tls_server_name",
          "timeout",
          "cache",
          "force_cache",
          "force_cache_duration_seconds",
          "raise_error",
          "caching_mode",
          "max_retry_attempts",
          "cache_ignored_headers");

  private static final Set<String> STRING_KEYS =
      Set.of(
          "method",
          "url",
          "raw_body",
          "tls_ca_cert",
          "tls_ca_cert_file",
          "tls_ca_cert_env_variable",
          "tls_client_cert",
          "tls_client_cert_file",
          "tls_client_cert_env_variable",
          "tls_client_key",
          "tls_client_key_file",
          "tls_client_key_env_variable",
          "tls_server_name");

  /** Status codes whose responses are reused within an evaluation (RFC 7231 6.1). */
  private static final Set<Integer> CACHEABLE_CODES =
      Set.of(200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501);

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_REDIRECTS = 10;
  private static final String USER_AGENT = "jrego";

  /** A request failure: network (transport) errors are reported apart from the rest. */
  static final class SendException extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean network;
    final boolean typeError;

    SendException(String message, boolean network, boolean typeError) {
      super(message, null, false, false);
      this.network = network;
      this.typeError = typeError;
    }

    static SendException internal(String message) {
      return new SendException(message, false, false);
    }
  }

  private record CacheKey(Value request) {}

  private record Cached(Value response, SendException error) {}

  private static Value send(BuiltinContext ctx, Value[] args) throws BuiltinException {
    ObjectValue req = Args.object(args, 0);
    boolean raiseError = true;
    Value re = req.get("raise_error");
    if (re != null) {
      if (!(re instanceof BooleanValue b)) {
        throw BuiltinException.failure("invalid value for raise_error field");
      }
      raiseError = b.value();
    }
    try {
      validateKeys(req);
      if (!ctx.capabilities().httpSendEnabled()) {
        throw BuiltinException.failure(
            "http requests are disabled on this engine (capability httpSendEnabled is off)");
      }
      return response(ctx, req);
    } catch (SendException e) {
      if (raiseError) {
        throw e.typeError
            ? BuiltinException.typeError(e.getMessage())
            : BuiltinException.failure(e.getMessage());
      }
      String message = e.typeError ? "eval_type_error: http.send: " + e.getMessage() : e.getMessage();
      return ObjectValue.builder()
          .put("status_code", NumberValue.ZERO)
          .put(
              "error",
              ObjectValue.builder()
                  .put(
                      "code",
                      e.network ? "eval_http_send_network_error" : "eval_http_send_internal_error")
                  .put("message", message)
                  .build())
          .build();
    }
  }

  private static void validateKeys(ObjectValue req) throws SendException {
    List<Value> invalid = new ArrayList<>();
    for (Value k : req.sortedKeys()) {
      if (!(k instanceof StringValue s) || !ALLOWED_KEYS.contains(s.value())) {
        invalid.add(k);
      }
    }
    if (!invalid.isEmpty()) {
      throw new SendException(
          "operand 1 invalid request parameters(s): " + setText(invalid), false, true);
    }
    List<Value> missing = new ArrayList<>();
    for (String k : List.of("method", "url")) {
      if (req.get(k) == null) {
        missing.add(StringValue.of(k));
      }
    }
    if (!missing.isEmpty()) {
      throw new SendException(
          "operand 1 missing required request parameters(s): " + setText(missing), false, true);
    }
  }

  private static String setText(List<Value> values) {
    StringBuilder b = new StringBuilder("{");
    for (Value v : SetValue.of(values).sorted()) {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append(v.toJson());
    }
    return b.append('}').toString();
  }

  private static Value response(BuiltinContext ctx, ObjectValue req) throws SendException {
    CacheKey key = new CacheKey(cacheKey(req));
    Map<Object, Object> cache = ctx.evaluationCache();
    if (cache.get(key) instanceof Cached c) {
      if (c.error() != null) {
        throw c.error();
      }
      return c.response();
    }
    Request r = Request.of(req, ctx.capabilities());
    Exchange ex;
    try {
      ex = execute(r, ctx.capabilities());
    } catch (SendException e) {
      cache.put(key, new Cached(null, e));
      throw e;
    }
    Value result = toValue(ex, r.forceJson(), r.forceYaml());
    if (CACHEABLE_CODES.contains(ex.status())) {
      cache.put(key, new Cached(result, null));
    }
    return result;
  }

  /** The request with ignored headers removed: equal keys mean equal requests. */
  private static Value cacheKey(ObjectValue req) throws SendException {
    Value ignored = req.get("cache_ignored_headers");
    Value headers = req.get("headers");
    ObjectValue key = req.with(StringValue.of("cache_ignored_headers"), NullValue.INSTANCE);
    if (ignored == null || headers == null) {
      return key;
    }
    if (!(ignored instanceof ArrayValue list) || !(headers instanceof ObjectValue h)) {
      throw SendException.internal("invalid value for cache_ignored_headers or headers field");
    }
    ObjectValue.Builder kept = ObjectValue.builder();
    Set<Value> drop = Set.copyOf(list.asList());
    for (Value k : h.sortedKeys()) {
      if (!drop.contains(k)) {
        kept.put(k, h.get(k));
      }
    }
    return key.with(StringValue.of("headers"), kept.build());
  }

  /** A validated request. */
  private record Request(
      String method,
      URI uri,
      byte[] body,
      Map<String, String> headers,
      Duration timeout,
      boolean enableRedirect,
      boolean forceJson,
      boolean forceYaml,
      int maxRetries,
      SSLContext ssl,
      String serverName) {

    static Request of(ObjectValue req, BuiltinContext.Capabilities caps) throws SendException {
      String method = "";
      String url = "";
      byte[] body = null;
      byte[] rawBody = null;
      Map<String, String> headers = new LinkedHashMap<>();
      Duration timeout = DEFAULT_TIMEOUT;
      boolean enableRedirect = false;
      Tls tls = new Tls();
      for (Value k : req.sortedKeys()) {
        String key = ((StringValue) k).value();
        Value v = req.get(k);
        String str = null;
        if (v instanceof StringValue s) {
          str = s.value();
        } else if (STRING_KEYS.contains(key)) {
          throw SendException.internal("\"" + key + "\" must be a string");
        }
        switch (key) {
          case "method" -> method = str.toUpperCase(Locale.ROOT);
          case "url" -> {
            url = str;
            verifyHost(caps, hostOf(url));
          }
          case "enable_redirect" -> enableRedirect = parseBool(v);
          case "body" -> body = Json.write(v).getBytes(StandardCharsets.UTF_8);
          case "raw_body" -> rawBody = str.getBytes(StandardCharsets.UTF_8);
          case "tls_use_system_certs" -> tls.useSystemCerts = parseBool(v);
          case "tls_ca_cert" -> tls.caPem = str.replace("\\n", "\n");
          case "tls_ca_cert_file" -> tls.caPem = readFile(str);
          case "tls_ca_cert_env_variable" -> tls.caPem = env(str);
          case "tls_client_cert" -> tls.certPem = str;
          case "tls_client_cert_file" -> tls.certPem = readFile(str);
          case "tls_client_cert_env_variable" -> tls.certPem = env(str);
          case "tls_client_key" -> tls.keyPem = str;
          case "tls_client_key_file" -> tls.keyPem = readFile(str);
          case "tls_client_key_env_variable" -> tls.keyPem = env(str);
          case "tls_insecure_skip_verify" -> tls.insecure = parseBool(v);
          case "tls_server_name" -> tls.serverName = str;
          case "headers" -> {
            if (!(v instanceof ObjectValue h)) {
              throw SendException.internal("invalid type for headers key");
            }
            for (Value hk : h.sortedKeys()) {
              Value hv = h.get(hk);
              if (!(hk instanceof StringValue hks)) {
                throw SendException.internal("invalid type for headers key");
              }
              if (!(hv instanceof StringValue hvs)) {
                throw SendException.internal(
                    "invalid type for headers value " + GoTime.quote(hv.toJson()));
              }
              headers.put(canonicalHeaderKey(hks.value()), hvs.value());
            }
          }
          case "timeout" -> timeout = parseTimeout(v);
          default -> {} // caching and decoding options, read below
        }
      }
      boolean forceJson = boolField(req, "force_json_decode");
      boolean forceYaml = boolField(req, "force_yaml_decode");
      boolField(req, "cache");
      if (boolField(req, "force_cache") && req.get("force_cache_duration_seconds") == null) {
        throw SendException.internal(
            "'force_cache' set but 'force_cache_duration_seconds' parameter is missing");
      }
      Value mode = req.get("caching_mode");
      if (mode != null
          && !(mode instanceof StringValue ms
              && (ms.value().equals("serialized") || ms.value().equals("deserialized")))) {
        throw SendException.internal("invalid value for \"caching_mode\" field");
      }
      int maxRetries = 0;
      Value mr = req.get("max_retry_attempts");
      if (mr != null) {
        if (!(mr instanceof NumberValue n) || n.intValueExact() == null || n.intValueExact() < 0) {
          throw SendException.internal(
              "invalid value " + mr.toJson() + " for field \"max_retry_attempts\"");
        }
        maxRetries = n.intValueExact();
      }
      if (headers.containsKey("Host")) {
        // The JDK client always derives Host from the URL; sending a request to another
        // virtual host than the policy asked for would be worse than refusing it.
        throw SendException.internal(
            "the Host header cannot be set on this engine; put the host in the url instead");
      }
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw SendException.internal("parse " + GoTime.quote(url) + ": " + e.getReason());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme.equals("unix")) {
        throw SendException.internal("unix domain sockets are not supported by this engine");
      }
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new SendException(
            goOp(method) + " " + GoTime.quote(url) + ": unsupported protocol scheme "
                + GoTime.quote(scheme),
            true,
            false);
      }
      if (uri.getHost() == null) {
        throw new SendException(
            goOp(method) + " " + GoTime.quote(url) + ": http: no Host in request URL", true, false);
      }
      return new Request(
          method,
          uri,
          rawBody != null ? rawBody : body,
          headers,
          timeout,
          enableRedirect,
          forceJson,
          forceYaml,
          maxRetries,
          tls.context(),
          tls.serverName);
    }
  }

  private static boolean parseBool(Value v) throws SendException {
    if (v instanceof BooleanValue b) {
      return b.value();
    }
    throw SendException.internal(
        "strconv.ParseBool: parsing " + GoTime.quote(v.toJson()) + ": invalid syntax");
  }

  private static boolean boolField(ObjectValue req, String key) throws SendException {
    Value v = req.get(key);
    if (v == null) {
      return false;
    }
    if (v instanceof BooleanValue b) {
      return b.value();
    }
    throw SendException.internal("invalid value for \"" + key + "\" field");
  }

  private static Duration parseTimeout(Value v) throws SendException {
    switch (v) {
      case NumberValue n -> {
        if (!n.isLong()) {
          throw SendException.internal(
              "invalid timeout number value " + n + ", must be int64");
        }
        return Duration.ofNanos(n.longValue());
      }
      case StringValue s -> {
        try {
          return Duration.ofNanos(Long.parseLong(s.value()));
        } catch (NumberFormatException e) {
          try {
            return Duration.ofNanos(GoTime.parseDuration(s.value()));
          } catch (GoTime.ParseException pe) {
            throw SendException.internal(
                "invalid timeout value " + s + ": " + pe.getMessage());
          }
        }
      }
      default ->
          throw new SendException(
              "operand 1 'timeout' must be one of {string, number} but got " + v.typeName(),
              false,
              true);
    }
  }

  private static String readFile(String path) throws SendException {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException | RuntimeException e) {
      throw SendException.internal("open " + path + ": " + e.getMessage());
    }
  }

  private static String env(String name) {
    String v = System.getenv(name);
    return v == null ? "" : v;
  }

  private static String hostOf(String url) {
    try {
      String host = new URI(url).getHost();
      if (host == null) {
        return "";
      }
      return host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1)
          : host;
    } catch (URISyntaxException e) {
      return "";
    }
  }

  private static void verifyHost(BuiltinContext.Capabilities caps, String host)
      throws SendException {
    Set<String> allowed = caps.httpAllowedHosts();
    if (!allowed.isEmpty() && !allowed.contains(host)) {
      throw SendException.internal("unallowed host: " + host);
    }
  }

  /** Go's http.CanonicalHeaderKey: "content-type" becomes "Content-Type". */
  static String canonicalHeaderKey(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean token = c < 0x80 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
      if (!token) {
        return s;
      }
    }
    StringBuilder b = new StringBuilder(s.length());
    boolean upper = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (upper && c >= 'a' && c <= 'z') {
        c = (char) (c - 32);
      } else if (!upper && c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      b.append(c);
      upper = c == '-';
    }
    return b.toString();
  }

  /** Go's url.Error operation name: "Get", "Post". */
  private static String goOp(String method) {
    if (method.isEmpty()) {
      return "Get";
    }
    return method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT);
  }

  /** TLS options collected from the request. */
  private static final class Tls {
    boolean useSystemCerts;
    boolean insecure;
    String caPem;
    String certPem;
    String keyPem;
    String serverName;

    SSLContext context() throws SendException {
      boolean clientCert = certPem != null && keyPem != null && !certPem.isEmpty();
      if (!insecure && caPem == null && !clientCert && !useSystemCerts) {
        return null;
      }
      try {
        TrustManager[] trust;
        if (insecure) {
          trust = new TrustManager[] {new TrustAll()};
        } else if (caPem != null) {
          KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
          ks.load(null, null);
          if (useSystemCerts) {
            TrustManagerFactory sys =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            sys.init((KeyStore) null);
            int i = 0;
            for (TrustManager tm : sys.getTrustManagers()) {
              if (tm instanceof javax.net.ssl.X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                  ks.setCertificateEntry("system-" + i++, c);
                }
              }
            }
          }
          int i = 0;
          for (Certificate c : certificates(caPem)) {
            ks.setCertificateEntry("ca-" + i++, c);
          }
          if (i == 0) {
            throw SendException.internal("could not append certificates from PEM");
          }
          TrustManagerFactory tmf =
              TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(ks);
          trust = tmf.getTrustManagers();
        } else {
          trust = null; // the JDK's default trust store
        }
        javax.net.ssl.KeyManager[] keys = null;
        if (clientCert) {
          KeyStore ks = KeyStore.getInstance("PKCS12");
          ks.load(null, null);
          Collection<? extends Certificate> chain = certificates(certPem);
          ks.setKeyEntry("client", privateKey(keyPem), new char[0], chain.toArray(new Certificate[0]));
          KeyManagerFactory kmf =
              KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          kmf.init(ks, new char[0]);
          keys = kmf.getKeyManagers();
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keys, trust, new SecureRandom());
        return ssl;
      } catch (GeneralSecurityException | IOException e) {
        throw SendException.internal("tls: " + e.getMessage());
      }
    }
  }

  private static Collection<? extends Certificate> certificates(String pem)
      throws GeneralSecurityException {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A PEM private key: PKCS#8 ("PRIVATE KEY") or PKCS#1 RSA ("RSA PRIVATE KEY"). */
  private static PrivateKey privateKey(String pem) throws GeneralSecurityException, SendException {
    String type;
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      type = "PRIVATE KEY";
    } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      type = "RSA PRIVATE KEY";
    } else {
      throw SendException.internal(
          "tls: unsupported client key format (PKCS#8 or PKCS#1 RSA PEM expected)");
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin) + begin.length();
    int to = pem.indexOf(end, from);
    if (to < 0) {
      throw SendException.internal("tls: failed to find the end of the client key PEM block");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(from, to));
    if (type.equals("RSA PRIVATE KEY")) {
      der = pkcs1ToPkcs8(der);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
    for (String alg : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw SendException.internal("tls: failed to parse the client private key");
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {
      0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
      0x01, 0x05, 0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = derWrap(0x04, pkcs1);
    byte[] inner = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, inner, 0, version.length);
    System.arraycopy(algorithm, 0, inner, version.length, algorithm.length);
    System.arraycopy(octets, 0, inner, version.length + algorithm.length, octets.length);
    return derWrap(0x30, inner);
  }

  private static byte[] derWrap(int tag, byte[] content) {
    int len = content.length;
    byte[] lenBytes;
    if (len < 0x80) {
      lenBytes = new byte[] {(byte) len};
    } else if (len < 0x100) {
      lenBytes = new byte[] {(byte) 0x81, (byte) len};
    } else if (len < 0x10000) {
      lenBytes = new byte[] {(byte) 0x82, (byte) (len >> 8), (byte) len};
    } else {
      lenBytes = new byte[] {(byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }
    byte[] out = new byte[1 + lenBytes.length + len];
    out[0] = (byte) tag;
    System.arraycopy(lenBytes, 0, out, 1, lenBytes.length);
    System.arraycopy(content, 0, out, 1 + lenBytes.length, len);
    return out;
  }

  /** Accepts any server certificate and name ({@code tls_insecure_skip_verify}). */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  // Execution

  private record Exchange(int status, Map<String, List<String>> headers, byte[] body) {}

  private static final Object DEFAULT_CLIENT_LOCK = new Object();
  private static volatile HttpClient defaultClient;

  private static HttpClient defaultClient() {
    HttpClient c = defaultClient;
    if (c == null) {
      synchronized (DEFAULT_CLIENT_LOCK) {
        c = defaultClient;
        if (c == null) {
          c = newClient(null, null);
          defaultClient = c;
        }
      }
    }
    return c;
  }

  private static HttpClient newClient(SSLContext ssl, String serverName) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    if (serverName != null && !serverName.isEmpty()) {
      SSLParameters params = new SSLParameters();
      params.setServerNames(List.of(new SNIHostName(serverName)));
      b.sslParameters(params);
    }
    return b.build();
  }

  private static Exchange execute(Request r, BuiltinContext.Capabilities caps)
      throws SendException {
    boolean custom = r.ssl() != null || (r.serverName() != null && !r.serverName().isEmpty());
    HttpClient client = custom ? newClient(r.ssl(), r.serverName()) : defaultClient();
    try {
      SendException last = null;
      for (int attempt = 0; attempt <= r.maxRetries(); attempt++) {
        if (attempt > 0) {
          backoff(attempt - 1);
        }
        try {
          return followRedirects(client, r, caps);
        } catch (SendException e) {
          if (!e.network) {
            throw e;
          }
          last = e;
        }
      }
      throw last;
    } finally {
      if (custom) {
        client.close();
      }
    }
  }

  private static void backoff(int retry) throws SendException {
    // Exponential from 100ms, capped at 60s, as OPA's default backoff (without jitter).
    long delay = (long) Math.min(60_000, 100 * Math.pow(2, retry));
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SendException.internal("http.send: interrupted");
    }
  }

  private static Exchange followRedirects(
      HttpClient client, Request r, BuiltinContext.Capabilities caps) throws SendException {
    String method = r.method();
    URI uri = r.uri();
    byte[] body = r.body();
    for (int hops = 0; ; hops++) {
      Exchange ex = once(client, r, method, uri, body);
      if (!r.enableRedirect() || !isRedirect(ex.status())) {
        return ex;
      }
      List<String> location = ex.headers().get("location");
      if (location == null || location.isEmpty()) {
        return ex;
      }
      if (hops + 1 >= MAX_REDIRECTS) {
        throw new SendException(
            goOp(method) + " " + GoTime.quote(location.getFirst()) + ": stopped after 10 redirects",
            true,
            false);
      }
      URI next;
      try {
        next = uri.resolve(location.getFirst());
      } catch (IllegalArgumentException e) {
        throw new SendException(
            goOp(method) + " " + GoTime.quote(uri.toString()) + ": failed to parse Location header "
                + GoTime.quote(location.getFirst()),
            true,
            false);
      }
      String host = next.getHost() == null ? "" : next.getHost();
      if (!caps.httpAllowedHosts().isEmpty() && !caps.httpAllowedHosts().contains(host)) {
        throw new SendException(
            goOp(method) + " " + GoTime.quote(next.toString()) + ": unallowed host: " + host,
            true,
            false);
      }
      int s = ex.status();
      if ((s == 301 || s == 302 || s == 303) && !method.equals("GET") && !method.equals("HEAD")) {
        method = "GET";
        body = null;
      }
      uri = next;
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static Exchange once(HttpClient client, Request r, String method, URI uri, byte[] body)
      throws SendException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    HttpRequest.BodyPublisher publisher =
        body == null || body.length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    String target = goOp(method) + " " + GoTime.quote(uri.toString());
    try {
      b.method(method.isEmpty() ? "GET" : method, publisher);
      boolean userAgent = false;
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        userAgent |= h.getKey().equals("User-Agent");
        b.header(h.getKey(), h.getValue());
      }
      if (!userAgent) {
        b.header("User-Agent", USER_AGENT);
      }
    } catch (IllegalArgumentException e) {
      throw SendException.internal(e.getMessage());
    }
    boolean bounded = !r.timeout().isZero() && !r.timeout().isNegative();
    if (bounded) {
      b.timeout(r.timeout());
    }
    CompletableFuture<HttpResponse<byte[]>> f =
        client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> resp;
    try {
      resp = bounded ? f.get(r.timeout().toNanos(), TimeUnit.NANOSECONDS) : f.get();
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new SendException(target + ": request timed out", true, false);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new SendException(target + ": interrupted", true, false);
    } catch (ExecutionException e) {
      throw new SendException(target + ": " + describe(e.getCause()), true, false);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    resp.headers()
        .map()
        .forEach(
            (k, v) -> {
              if (!k.startsWith(":")) {
                headers.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v);
              }
            });
    return new Exchange(resp.statusCode(), headers, resp.body());
  }

  private static String describe(Throwable t) {
    if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
      return "request timed out";
    }
    if (t instanceof ConnectException) {
      return "connect: connection refused";
    }
    if (t instanceof UnknownHostException) {
      return "dial tcp: lookup " + t.getMessage() + ": no such host";
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static Value toValue(Exchange ex, boolean forceJson, boolean forceYaml) {
    String contentType = first(ex.headers(), "content-type");
    Value body = NullValue.INSTANCE;
    String raw = new String(ex.body(), StandardCharsets.UTF_8);
    if (forceJson || isJsonType(contentType)) {
      try {
        body = Json.parse(raw);
      } catch (Json.JsonSyntaxException e) {
        body = NullValue.INSTANCE; // OPA leaves an undecodable body null
      }
    } else if (forceYaml
        || contentType.contains("application/yaml")
        || contentType.contains("application/x-yaml")) {
      try {
        JsonNode node = YAML.readTree(raw);
        body = node == null ? NullValue.INSTANCE : Json.fromJackson(node);
      } catch (IOException | IllegalArgumentException e) {
        body = NullValue.INSTANCE;
      }
    }
    ObjectValue.Builder headers = ObjectValue.builder();
    ex.headers()
        .forEach(
            (k, v) -> {
              Value[] values = new Value[v.size()];
              for (int i = 0; i < values.length; i++) {
                values[i] = StringValue.of(v.get(i));
              }
              headers.put(k, ArrayValue.wrap(values));
            });
    return ObjectValue.builder()
        .put("status", StringValue.of(statusLine(ex.status())))
        .put("status_code", NumberValue.of(ex.status()))
        .put("body", body)
        .put("raw_body", StringValue.of(raw))
        .put("headers", headers.build())
        .build();
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? "" : v.getFirst();
  }

  /** Go's isJSONType: application/json or application/*+json, parameters ignored. */
  private static boolean isJsonType(String contentType) {
    int semi = contentType.indexOf(';');
    String media = (semi >= 0 ? contentType.substring(0, semi) : contentType)
        .trim()
        .toLowerCase(Locale.ROOT);
    String[] parts = media.split("/", -1);
    if (parts.length != 2 || !parts[0].equals("application")) {
      return false;
    }
    return parts[1].equals("json") || parts[1].endsWith("+json");
  }

  /** "200 OK": the JDK client does not expose the reason phrase, so the standard one is used. */
  static String statusLine(int code) {
    String text = REASONS.get(code);
    return text == null ? Integer.toString(code) : code + " " + text;
  }

  private static final Map<Integer, String> REASONS =
      Map.ofEntries(
          Map.entry(100, "Continue"),
          Map.entry(101, "Switching Protocols"),
          Map.entry(200, "OK"),
          Map.entry(201, "Created"),
          Map.entry(202, "Accepted"),
          Map.entry(203, "Non-Authoritative Information"),
          Map.entry(204, "No Content"),
          Map.entry(205, "Reset Content"),
          Map.entry(206, "Partial Content"),
          Map.entry(300, "Multiple Choices"),
          Map.entry(301, "Moved Permanently"),
          Map.entry(302, "Found"),
          Map.entry(303, "See Other"),
          Map.entry(304, "Not Modified"),
          Map.entry(307, "Temporary Redirect"),
          Map.entry(308, "Permanent Redirect"),
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(402, "Payment Required"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(406, "Not Acceptable"),
          Map.entry(407, "Proxy Authentication Required"),
          Map.entry(408, "Request Timeout"),
          Map.entry(409, "Conflict"),
          Map.entry(410, "Gone"),
          Map.entry(411, "Length Required"),
          Map.entry(412, "Precondition Failed"),
          Map.entry(413, "Request Entity Too Large"),
          Map.entry(414, "Request URI Too Long"),
          Map.entry(415, "Unsupported Media Type"),
          Map.entry(416, "Requested Range Not Satisfiable"),
          Map.entry(417, "Expectation Failed"),
          Map.entry(418, "I'm a teapot"),
          Map.entry(422, "Unprocessable Entity"),
          Map.entry(425, "Too Early"),
          Map.entry(426, "Upgrade Required"),
          Map.entry(428, "Precondition Required"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(431, "Request Header Fields Too Large"),
          Map.entry(451, "Unavailable For Legal Reasons"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(501, "Not Implemented"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Unavailable"),
          Map.entry(504, "Gateway Timeout"),
          Map.entry(505, "HTTP Version Not Supported"),
          Map.entry(511, "Network Authentication Required"));
}
