package dev.tollgate.rego.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmark's policy decides as intended (so the benchmark measures real work). */
class PolicyEvalFixtureTest {
  private static final CompiledPolicy POLICY = Rego.compiler()
      .module("authz.rego", AuthzPolicyFixture.POLICY)
      .data(AuthzPolicyFixture.data())
      .compile();

  private static Value request(String method, String principal, String... path) {
    ObjectValue in = (ObjectValue) AuthzPolicyFixture.input();
    ObjectValue attrs = (ObjectValue) in.get("attributes");
    ObjectValue req = (ObjectValue) attrs.get("request");
    ObjectValue http = ((ObjectValue) req.get("http")).with(StringValue.of("method"), Value.of(method))
        .with(StringValue.of("path"), Value.of("/" + String.join("/", path)));
    ObjectValue source = ((ObjectValue) attrs.get("source")).with(StringValue.of("principal"), Value.of(principal));
    attrs = attrs.with(StringValue.of("request"), req.with(StringValue.of("http"), http))
        .with(StringValue.of("source"), source);
    Value[] parts = new Value[path.length];
    for (int i = 0; i < path.length; i++) {
      parts[i] = Value.of(path[i]);
    }
    return in.with(StringValue.of("attributes"), attrs).with(StringValue.of("parsed_path"), ArrayValue.of(parts));
  }

  @ParameterizedTest
  @CsvSource({
    "GET, spiffe://bank-a.example.org/ns/frontend/sa/web-frontend, api/v1/accounts/1, true",
    "DELETE, spiffe://bank-a.example.org/ns/frontend/sa/web-frontend, api/v1/accounts/1, false",
    "GET, spiffe://bank-a.example.org/ns/reporting/sa/statements, api/v1/statements/7, true",
    "GET, spiffe://evil.example.org/ns/x/sa/y, api/v1/accounts/1, false",
    "GET, spiffe://evil.example.org/ns/x/sa/y, api/v1/rates, true",
    "OPTIONS, spiffe://evil.example.org/ns/x/sa/y, anything, true",
  })
  void decides(String method, String principal, String path, boolean allowed) {
    Value in = request(method, principal, path.split("/"));
    assertEquals(Value.of(allowed), POLICY.evaluateRule("envoy/authz/allow", in));
  }
}
