package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Cost of the JWT checks a policy makes per request: verify and decode_verify with a PEM key. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JwtVerifyBenchmark {
  private final BuiltinContext ctx = TestContext.at(CryptoFixtures.NOW);
  private BuiltinFunction verifyRs256;
  private BuiltinFunction verifyEs256;
  private BuiltinFunction decodeVerify;
  private BuiltinFunction verifyHs256;
  private Value rsToken;
  private Value esToken;
  private Value hsToken;
  private Value rootCert;
  private Value interPub;
  private Value secret;
  private Value constraints;

  @Setup
  public void setup() {
    BuiltinRegistry reg = BuiltinRegistry.standard();
    verifyRs256 = reg.get("io.jwt.verify_rs256").impl();
    verifyEs256 = reg.get("io.jwt.verify_es256").impl();
    verifyHs256 = reg.get("io.jwt.verify_hs256").impl();
    decodeVerify = reg.get("io.jwt.decode_verify").impl();
    rsToken = StringValue.of(CryptoFixtures.token("RS256"));
    esToken = StringValue.of(CryptoFixtures.token("ES256"));
    hsToken = StringValue.of(CryptoFixtures.token("HS256"));
    rootCert = StringValue.of(CryptoFixtures.text("root.pem"));
    interPub = StringValue.of(CryptoFixtures.text("inter.pub"));
    secret = StringValue.of("bank-a-secret");
    constraints = ObjectValue.builder().put("cert", rootCert).put("aud", "bank-a").put("iss", "tollgate").build();
  }

  @Benchmark
  public Value verifyRs256WithCertificate() throws BuiltinException {
    return verifyRs256.apply(ctx, new Value[] {rsToken, rootCert});
  }

  @Benchmark
  public Value verifyEs256WithPublicKey() throws BuiltinException {
    return verifyEs256.apply(ctx, new Value[] {esToken, interPub});
  }

  @Benchmark
  public Value verifyHs256() throws BuiltinException {
    return verifyHs256.apply(ctx, new Value[] {hsToken, secret});
  }

  @Benchmark
  public Value decodeVerifyRs256() throws BuiltinException {
    return decodeVerify.apply(ctx, new Value[] {rsToken, constraints});
  }
}
