package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Scalar;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Plan.CRule;
import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The per-revision stage: literal folding, call-site memos, and the per-policy built-in cache. */
class ConstantFolderTest {
  private static CompiledPolicy compile(String module, String data) {
    return Rego.compiler().module("t.rego", "package t\n" + module).data(Json.parse(data)).compile();
  }

  private static CRule rule(CompiledPolicy p, String name) {
    Node n = p.root().children.get(StringValue.of("t")).children.get(StringValue.of(name));
    return n.complete.get(0);
  }

  /** The built-in calls (at any depth of the terms) of a rule's body expressions. */
  private static List<Call> calls(CRule r) {
    List<Call> out = new ArrayList<>();
    for (Ast.Expr e : r.body) {
      if (e instanceof TermExpr te) {
        collect(te.term(), out);
      }
    }
    collect(r.value, out);
    return out;
  }

  private static void collect(Ast.Term t, List<Call> out) {
    if (t instanceof Call c) {
      if (c.target() != null && c.target().builtin() != null) {
        out.add(c);
      }
      c.args().forEach(a -> collect(a, out));
    } else if (t instanceof Ast.ArrayTerm a) {
      a.items().forEach(x -> collect(x, out));
    }
  }

  private static boolean memoised(Call c) {
    return c.target().builtin().impl() instanceof CallSiteMemo;
  }

  @Test
  void literalsOfConstantsBecomeOneValueAndKeepTheirMeaning() {
    CompiledPolicy p = compile("""
        methods := {"GET", "HEAD"}
        shape := {"a": [1, {"b": null}], "c": {"x"}}
        mixed := [1, input.x]
        p if input.m in {"GET", "HEAD"}
        """, "{}");
    assertInstanceOf(Scalar.class, rule(p, "methods").value);
    assertInstanceOf(Scalar.class, rule(p, "shape").value);
    assertFalse(rule(p, "mixed").value instanceof Scalar, "a literal with a variable part stays a literal");
    assertEquals("[\"GET\",\"HEAD\"]", p.evaluateRule("data.t.methods", (Value) null).toJson());
    assertEquals(Json.parse("{\"a\":[1,{\"b\":null}],\"c\":[\"x\"]}").toJson(),
        p.evaluateRule("data.t.shape", (Value) null).toJson());
    assertEquals(Json.parse("[1,2]"), p.evaluateRule("data.t.mixed", Json.parse("{\"x\":2}")));
    assertEquals(Value.of(true), p.evaluateRule("data.t.p", Json.parse("{\"m\":\"HEAD\"}")));
    assertEquals(null, p.evaluateRule("data.t.p", Json.parse("{\"m\":\"POST\"}")));
  }

  @Test
  void pureCallsOnDataAreComputedOncePerPolicy() {
    CompiledPolicy p = compile("""
        p := json.marshal(cfg.jwks) if cfg := data.access.jwt
        """, "{\"access\": {\"jwt\": {\"jwks\": {\"keys\": [1, 2]}}}}");
    assertTrue(calls(rule(p, "p")).stream().anyMatch(ConstantFolderTest::memoised));
    Value first = p.evaluateRule("data.t.p", (Value) null);
    assertEquals(StringValue.of("{\"keys\":[1,2]}"), first);
    assertSame(first, p.evaluateRule("data.t.p", (Value) null), "the second evaluation reuses the result");
    // another policy with equal text and data has its own memo
    CompiledPolicy q = compile("""
        p := json.marshal(cfg.jwks) if cfg := data.access.jwt
        """, "{\"access\": {\"jwt\": {\"jwks\": {\"keys\": [1, 2]}}}}");
    Value other = q.evaluateRule("data.t.p", (Value) null);
    assertEquals(first, other);
    assertFalse(first == other, "memos are per compiled policy");
  }

  @Test
  void aChangedArgumentRecomputes() {
    CompiledPolicy p = compile("""
        marshalled := json.marshal(data.cfg)
        p := [marshalled, x] if x := marshalled with data.cfg as {"b": 2}
        """, "{\"cfg\": {\"a\": 1}}");
    assertEquals(StringValue.of("{\"a\":1}"), p.evaluateRule("data.t.marshalled", (Value) null));
    assertEquals(Json.parse("[\"{\\\"a\\\":1}\", \"{\\\"b\\\":2}\"]"), p.evaluateRule("data.t.p", (Value) null));
    assertEquals(StringValue.of("{\"a\":1}"), p.evaluateRule("data.t.marshalled", (Value) null));
  }

  @Test
  void aMockedBuiltinIsStillReplacedAfterItsMemoIsFilled() {
    CompiledPolicy p = compile("""
        marshalled := json.marshal(data.cfg)
        fake(_) := "mocked"
        p := x if x := marshalled with json.marshal as fake
        """, "{\"cfg\": {\"a\": 1}}");
    assertEquals(StringValue.of("{\"a\":1}"), p.evaluateRule("data.t.marshalled", (Value) null));
    assertEquals(StringValue.of("mocked"), p.evaluateRule("data.t.p", (Value) null));
  }

  @Test
  void nonDeterministicBuiltinsAreNeverMemoised() {
    CompiledPolicy p = compile("""
        p := [uuid.rfc4122("k"), rand.intn("k", 1000000000), time.now_ns()]
        q := x if x := net.cidr_expand("10.0.0.0/30")
        """, "{}");
    List<Call> found = new ArrayList<>(calls(rule(p, "p")));
    found.addAll(calls(rule(p, "q")));
    assertEquals(4, found.size(), found.toString());
    for (Call c : found) {
      assertFalse(memoised(c), c.name());
    }
    Value a = p.evaluateRule("data.t.p", EvalOptions.input(null).withNowNanos(1L));
    Value b = p.evaluateRule("data.t.p", EvalOptions.input(null).withNowNanos(2L));
    assertNotEquals(a.toJson().split(",")[0], b.toJson().split(",")[0], "uuid.rfc4122 is drawn per evaluation");
    assertTrue(a.toJson().endsWith(",1]") && b.toJson().endsWith(",2]"), a + " " + b);
    assertFalse(ConstantFolder.memoisable(dev.tollgate.rego.builtins.BuiltinRegistry.standard()
        .get("crypto.x509.parse_and_verify_certificates")));
    assertFalse(ConstantFolder.memoisable(dev.tollgate.rego.builtins.BuiltinRegistry.standard().get("http.send")));
    assertFalse(ConstantFolder.memoisable(dev.tollgate.rego.builtins.BuiltinRegistry.standard()
        .get("io.jwt.decode_verify")));
  }

  @Test
  void builtinCachesBelongToTheirPolicy() {
    String module = "p if glob.match(\"/api/**\", [\"/\"], input.path)\n";
    CompiledPolicy a = compile(module, "{}");
    CompiledPolicy b = compile(module, "{}");
    assertEquals(Value.of(true), a.evaluateRule("data.t.p", Json.parse("{\"path\":\"/api/x/y\"}")));
    assertEquals(null, a.evaluateRule("data.t.p", Json.parse("{\"path\":\"/other\"}")));
    assertEquals(1, a.builtinCache().size(), "one compiled pattern");
    assertEquals(0, b.builtinCache().size(), "a reload or another tenant starts empty");
  }

  @Test
  void checkedTokenSignaturesAreRememberedButTheClockIsNot() throws Exception {
    CompiledPolicy p = compile("""
        p := valid if [valid, _, _] := io.jwt.decode_verify(input.token, {"secret": "s3cret"})
        """, "{}");
    String good = hs256("s3cret", "{\"sub\":\"a\",\"exp\":2000}");
    String forged = hs256("other", "{\"sub\":\"a\",\"exp\":2000}");
    EvalOptions before = EvalOptions.input(Json.parse("{\"token\":\"" + good + "\"}")).withNowNanos(1_000_000_000_000L);
    EvalOptions after = before.withNowNanos(3_000_000_000_000L);
    assertEquals(Value.of(true), p.evaluateRule("data.t.p", before));
    assertEquals(1, p.builtinCache().size());
    assertEquals(Value.of(false), p.evaluateRule("data.t.p", after), "expiry is checked on every call");
    assertEquals(Value.of(true), p.evaluateRule("data.t.p", before));
    assertEquals(Value.of(false), p.evaluateRule("data.t.p", before.withInput(
        Json.parse("{\"token\":\"" + forged + "\"}"))), "another token is checked on its own");
    assertEquals(Value.of(false), p.evaluateRule("data.t.p", before.withInput(
        Json.parse("{\"token\":\"" + forged + "\"}"))));
    assertEquals(2, p.builtinCache().size());
  }

  private static String hs256(String secret, String claims) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }
}
