package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoEvalException;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** http.send against a loopback server started here. */
class HttpSendTest {
  private static HttpServer server;
  private static String base;
  private static final AtomicInteger HITS = new AtomicInteger();
  private static final CountDownLatch NEVER = new CountDownLatch(1);

  private static final BuiltinContext.Capabilities ENABLED =
      new BuiltinContext.Capabilities(true, Set.of(), false, Map.of());

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/json", ex -> reply(ex, 200, "application/json", "{\"roles\":[\"admin\"],\"n\":1.50}"));
    server.createContext("/text", ex -> reply(ex, 200, "text/plain", "{\"a\":1}"));
    server.createContext("/yaml", ex -> reply(ex, 200, "application/yaml", "a: 1\nb: [x, y]\n"));
    server.createContext("/bad-json", ex -> reply(ex, 200, "application/problem+json", "{nope"));
    server.createContext("/echo", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String json = ObjectValue.builder()
          .put("method", ex.getRequestMethod())
          .put("body", body)
          .put("x_custom", String.valueOf(ex.getRequestHeaders().getFirst("X-Custom")))
          .put("user_agent", String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")))
          .build()
          .toJson();
      reply(ex, 200, "application/json; charset=utf-8", json);
    });
    server.createContext("/count", ex -> reply(ex, 200, "text/plain", Integer.toString(HITS.incrementAndGet())));
    server.createContext("/count-500", ex -> reply(ex, 500, "text/plain", Integer.toString(HITS.incrementAndGet())));
    server.createContext("/redirect", ex -> {
      ex.getResponseHeaders().add("Location", "/json");
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    server.createContext("/slow", ex -> {
      try {
        NEVER.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply(ex, 200, "text/plain", "late");
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    NEVER.countDown();
    server.stop(0);
  }

  private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static Value send(BuiltinContext ctx, String request) throws BuiltinException {
    return TestContext.call(ctx, "http.send", Json.parse(request.replace("BASE", base)));
  }

  private static ObjectValue sendOk(String request) throws BuiltinException {
    return (ObjectValue) send(new TestContext(ENABLED, 1), request);
  }

  static Stream<Arguments> responses() {
    return Stream.of(
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/json\"}", "body", "{\"n\": 1.5, \"roles\": [\"admin\"]}"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/json\"}", "status", "\"200 OK\""),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/json\"}", "status_code", "200"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/json\"}", "raw_body", "\"{\\\"roles\\\":[\\\"admin\\\"],\\\"n\\\":1.50}\""),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/text\"}", "body", "null"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/text\", \"force_json_decode\": true}", "body", "{\"a\": 1}"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/text\", \"force_yaml_decode\": true}", "body", "{\"a\": 1}"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/yaml\"}", "body", "{\"a\": 1, \"b\": [\"x\", \"y\"]}"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/bad-json\"}", "body", "null"),
        Arguments.of("{\"method\": \"post\", \"url\": \"BASE/echo\", \"body\": {\"b\": [1, 2], \"a\": \"x\"}}",
            "body", "{\"method\": \"POST\", \"body\": \"{\\\"a\\\":\\\"x\\\",\\\"b\\\":[1,2]}\", \"x_custom\": \"null\", \"user_agent\": \"jrego\"}"),
        Arguments.of("{\"method\": \"PUT\", \"url\": \"BASE/echo\", \"raw_body\": \"plain\", \"body\": {\"ignored\": true}, \"headers\": {\"x-custom\": \"v\", \"user-agent\": \"me\"}}",
            "body", "{\"method\": \"PUT\", \"body\": \"plain\", \"x_custom\": \"v\", \"user_agent\": \"me\"}"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/redirect\"}", "status_code", "302"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/redirect\", \"enable_redirect\": true}", "body", "{\"n\": 1.5, \"roles\": [\"admin\"]}"),
        Arguments.of("{\"method\": \"get\", \"url\": \"BASE/json\", \"cache\": true, \"caching_mode\": \"deserialized\"}", "status_code", "200"));
  }

  @ParameterizedTest(name = "{0} .{1}")
  @MethodSource("responses")
  void responseFields(String request, String field, String expected) throws BuiltinException {
    assertEquals(Json.parse(expected).toJson(), sendOk(request).get(field).toJson());
  }

  @Test
  void responseHeadersAreLowerCasedLists() throws BuiltinException {
    ObjectValue headers = (ObjectValue) sendOk("{\"method\": \"get\", \"url\": \"BASE/json\"}").get("headers");
    assertEquals("[\"application/json\"]", headers.get("content-type").toJson());
  }

  static Stream<Arguments> failures() {
    return Table.rows(
        """
        http.send | [{"method": "get"}] | type: operand 1 missing required request parameters(s): {"url"}
        http.send | [{"url": "x"}] | type: operand 1 missing required request parameters(s): {"method"}
        http.send | [{"method": "get", "url": "x", "nope": 1, "also": 2}] | type: operand 1 invalid request parameters(s): {"also", "nope"}
        http.send | ["x"] | type: operand 1 must be object but got string
        http.send | [{"method": "get", "url": "BASE/json", "raise_error": "yes"}] | error: invalid value for raise_error field
        http.send | [{"method": "get", "url": 3}] | error: "url" must be a string
        http.send | [{"method": "get", "url": "BASE/json", "headers": {"a": 1}}] | error: invalid type for headers value "1"
        http.send | [{"method": "get", "url": "BASE/json", "timeout": "soon"}] | error: invalid timeout value "soon": time: invalid duration "soon"
        http.send | [{"method": "get", "url": "BASE/json", "timeout": true}] | type: operand 1 'timeout' must be one of {string, number} but got boolean
        http.send | [{"method": "get", "url": "BASE/json", "enable_redirect": "true"}] | error: strconv.ParseBool: parsing "\\"true\\"": invalid syntax
        http.send | [{"method": "get", "url": "BASE/json", "force_cache": true}] | error: 'force_cache' set but 'force_cache_duration_seconds' parameter is missing
        http.send | [{"method": "get", "url": "BASE/json", "max_retry_attempts": -1}] | error: invalid value -1 for field "max_retry_attempts"
        http.send | [{"method": "get", "url": "BASE/json", "headers": {"host": "other.example"}}] | error: the Host header cannot be set
        http.send | [{"method": "get", "url": "BASE/json", "headers": {"connection": "close"}}] | error: restricted header name
        http.send | [{"method": "get", "url": "ftp://127.0.0.1/x"}] | error: unsupported protocol scheme "ftp"
        http.send | [{"method": "get", "url": "unix://localhost/x?socket=%2Ftmp%2Fs"}] | error: unix domain sockets are not supported
        http.send | [{"method": "get", "url": "BASE/slow", "timeout": "200ms"}] | error: /slow": request timed out
        """);
  }

  @ParameterizedTest(name = "{1} = {2}")
  @MethodSource("failures")
  void requestErrors(String builtin, String operands, String expected) {
    Table.check(new TestContext(ENABLED, 1), builtin, operands.replace("BASE", base), expected);
  }

  @Test
  void refusedUnlessEnabled() {
    BuiltinException e = assertThrows(BuiltinException.class,
        () -> send(new TestContext(), "{\"method\": \"get\", \"url\": \"BASE/json\"}"));
    assertTrue(e.getMessage().contains("httpSendEnabled"), e.getMessage());
    assertEquals("eval_builtin_error", e.code());
  }

  @Test
  void onlyAllowedHostsAreReached() throws BuiltinException {
    var caps = new BuiltinContext.Capabilities(true, Set.of("example.org"), false, Map.of());
    BuiltinException e = assertThrows(BuiltinException.class,
        () -> send(new TestContext(caps, 1), "{\"method\": \"get\", \"url\": \"BASE/json\"}"));
    assertEquals("unallowed host: 127.0.0.1", e.getMessage());
    var loopback = new BuiltinContext.Capabilities(true, Set.of("127.0.0.1"), false, Map.of());
    assertEquals("200", ((ObjectValue) send(new TestContext(loopback, 1),
        "{\"method\": \"get\", \"url\": \"BASE/json\"}")).get("status_code").toJson());
  }

  @Test
  void connectionErrorsBecomeResultsWhenRaiseErrorIsFalse() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/x";
    ObjectValue r = sendOk("{\"method\": \"get\", \"url\": \"" + url + "\", \"raise_error\": false}");
    assertEquals("0", r.get("status_code").toJson());
    ObjectValue error = (ObjectValue) r.get("error");
    assertEquals("\"eval_http_send_network_error\"", error.get("code").toJson());
    assertTrue(error.get("message").toJson().contains("Get \\\"" + url + "\\\""), error.toJson());
    BuiltinException e = assertThrows(BuiltinException.class,
        () -> sendOk("{\"method\": \"get\", \"url\": \"" + url + "\"}"));
    assertTrue(e.getMessage().startsWith("Get \"" + url + "\": "), e.getMessage());

    ObjectValue invalid = sendOk("{\"method\": \"get\", \"raise_error\": false}");
    assertEquals("\"eval_http_send_internal_error\"", ((ObjectValue) invalid.get("error")).get("code").toJson());
  }

  @Test
  void identicalRequestsAreSentOncePerEvaluation() throws BuiltinException {
    TestContext evaluation = new TestContext(ENABLED, 1);
    String req = "{\"method\": \"get\", \"url\": \"BASE/count\"}";
    Value first = send(evaluation, req);
    assertEquals(first, send(evaluation, req));
    assertTrue(!first.equals(send(new TestContext(ENABLED, 1), req)), "a new evaluation sends again");
    // Ignored headers do not make a request different.
    String a = "{\"method\": \"get\", \"url\": \"BASE/count\", \"headers\": {\"X-Id\": \"1\"}, \"cache_ignored_headers\": [\"X-Id\"]}";
    String b = "{\"method\": \"get\", \"url\": \"BASE/count\", \"headers\": {\"X-Id\": \"2\"}, \"cache_ignored_headers\": [\"X-Id\"]}";
    TestContext other = new TestContext(ENABLED, 1);
    assertEquals(send(other, a).toJson(), send(other, b).toJson());
  }

  @Test
  void errorStatusesAreNotReused() throws BuiltinException {
    TestContext evaluation = new TestContext(ENABLED, 1);
    String req = "{\"method\": \"get\", \"url\": \"BASE/count-500\"}";
    Value first = send(evaluation, req);
    assertEquals("500", ((ObjectValue) first).get("status_code").toJson());
    assertTrue(!first.equals(send(evaluation, req)));
  }

  @Test
  void policiesSeeOneResponsePerEvaluation() {
    CompiledPolicy policy = Rego.compiler()
        .module("p.rego", """
            package p

            allow if "admin" in http.send({"method": "GET", "url": input.json}).body.roles

            first := http.send({"method": "GET", "url": input.count}).raw_body

            second := http.send({"method": "GET", "url": input.count}).raw_body

            same if first == second
            """)
        .compile();
    Value input = Json.parse("{\"json\": \"BASE/json\", \"count\": \"BASE/count\"}".replace("BASE", base));
    EvalOptions enabled = EvalOptions.input(input).withCapabilities(ENABLED);
    assertEquals("true", policy.evaluateRule("p/allow", enabled).toJson());
    assertEquals("true", policy.evaluateRule("p/same", enabled).toJson());
    RegoEvalException e = assertThrows(RegoEvalException.class,
        () -> policy.evaluateRule("p/allow", EvalOptions.input(input).withStrictBuiltinErrors(true)));
    assertTrue(e.getMessage().contains("http.send: http requests are disabled"), e.getMessage());
  }
}
