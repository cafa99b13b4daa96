package dev.tollgate.authz.policy.bundle;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * How long a tenant's bundle takes to activate: a bank-sized bundle (Rego modules plus a data
 * document of user records), unsigned and RS256-signed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BundleLoadBenchmark {
  @Param({"1000", "20000"})
  public int users;

  private byte[] unsigned;
  private byte[] signed;
  private BundleLoader plain;
  private BundleLoader verifying;

  @Setup
  public void build() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("/.manifest", "{\"revision\":\"bench\",\"roots\":[\"bank\"]}");
    StringBuilder data = new StringBuilder("{\"users\":[");
    for (int i = 0; i < users; i++) {
      // Keys in canonical (sorted) order: the test signer hashes raw bytes.
      data.append(i == 0 ? "" : ",").append("{\"active\":true,\"id\":\"user-").append(i)
          .append("\",\"limit\":").append(i * 10)
          .append(",\"roles\":[\"teller\",\"auditor\"]}");
    }
    files.put("/bank/a/data.json", data.append("]}").toString());
    for (int m = 0; m < 50; m++) {
      String rule = "allow if {\n  input.user.roles[_] == \"teller\"\n  input.amount < "
          + (m * 100) + "\n}\n\n";
      files.put("/bank/a/rules" + m + ".rego", "package bank.a.rules" + m + "\n\n"
          + "default allow := false\n\n" + rule.repeat(5));
    }
    TarGz plainTar = TarGz.archive();
    files.forEach(plainTar::file);
    unsigned = plainTar.build();

    ObjectNode payload = TestSigner.payload(TestSigner.named(files), null);
    TarGz signedTar = TarGz.archive();
    files.forEach(signedTar::file);
    signedTar.file("/.signatures.json", TestSigner.signaturesJson(
        TestSigner.token("RS256", "k1", payload)));
    signed = signedTar.build();

    plain = new BundleLoader(BundleOptions.DEFAULT);
    verifying = new BundleLoader(BundleOptions.verified(
        VerificationConfig.of("k1", TestSigner.verificationKey("RS256"))));
  }

  @Benchmark
  public Bundle loadUnsigned() throws BundleException {
    return plain.loadArchive(unsigned, "bench");
  }

  @Benchmark
  public Bundle loadSignedRs256() throws BundleException {
    return verifying.loadArchive(signed, "bench");
  }
}
