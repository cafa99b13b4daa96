package dev.tollgate.rego.bench;

import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Evaluates the allow rule of a ~30-rule Envoy authorization policy on a ~1 KB input. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyEvalBenchmark {
  private CompiledPolicy policy;
  private Value input;
  private Value deniedInput;

  @Setup
  public void setup() {
    policy = Rego.compiler()
        .module("authz.rego", AuthzPolicyFixture.POLICY)
        .data(AuthzPolicyFixture.data())
        .compile();
    input = AuthzPolicyFixture.input();
    if (!Value.of(true).equals(policy.evaluateRule("envoy/authz/allow", input))) {
      throw new IllegalStateException("fixture request should be allowed");
    }
    // same request from an unknown workload: every GET rule is tried and fails
    deniedInput = Json.parse(AuthzPolicyFixture.INPUT.replace("ns/frontend/sa/web-frontend", "ns/unknown/sa/nobody"));
    if (!Value.of(false).equals(policy.evaluateRule("envoy/authz/allow", deniedInput))) {
      throw new IllegalStateException("fixture request should be denied");
    }
  }

  @Benchmark
  public Value evaluateAllow() {
    return policy.evaluateRule("envoy/authz/allow", input);
  }

  @Benchmark
  public Value evaluateDeny() {
    return policy.evaluateRule("envoy/authz/allow", deniedInput);
  }
}
