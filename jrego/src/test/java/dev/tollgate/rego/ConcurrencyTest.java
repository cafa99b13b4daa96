package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One compiled policy shared by many threads gives each the same answers as one thread. */
class ConcurrencyTest {
  private static final String POLICY = """
      package authz
      default allow := false
      allow if {
        input.method == "GET"
        some role in data.roles[input.user]
        role in {"reader", "admin"}
      }
      allow if {
        input.method == "POST"
        "admin" in data.roles[input.user]
      }
      reasons contains r if {
        not allow
        r := sprintf_free(input.user)
      }
      sprintf_free(u) := {"user": u, "denied": true}
      """;

  /** Written out by hand from the policy and data above: user, method, allow. */
  private static final String[][] TABLE = {
    {"ann", "GET", "true"}, {"ann", "POST", "false"}, {"ann", "DELETE", "false"},
    {"bob", "GET", "true"}, {"bob", "POST", "true"}, {"bob", "DELETE", "false"},
    {"cy", "GET", "false"}, {"cy", "POST", "false"}, {"cy", "DELETE", "false"},
    {"dan", "GET", "false"}, {"dan", "POST", "false"}, {"dan", "DELETE", "false"},
  };

  @Test
  void sharedPolicyIsThreadSafe() throws Exception {
    CompiledPolicy p = Rego.compiler()
        .module("authz.rego", POLICY)
        .data(Json.parse("{\"roles\": {\"ann\": [\"reader\"], \"bob\": [\"admin\"], \"cy\": []}}"))
        .compile();
    List<Value> inputs = new ArrayList<>();
    List<Value> allows = new ArrayList<>();
    List<Value> reasons = new ArrayList<>();
    for (String[] row : TABLE) {
      inputs.add(Json.parse("{\"user\":\"" + row[0] + "\",\"method\":\"" + row[1] + "\"}"));
      boolean allow = Boolean.parseBoolean(row[2]);
      allows.add(Rego.parseTerm(row[2]));
      reasons.add(Rego.parseTerm(allow ? "set()" : "{{\"user\": \"" + row[0] + "\", \"denied\": true}}"));
    }
    int threads = 8;
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        futures.add(pool.submit(() -> {
          start.await();   // all threads evaluate at once
          for (int i = 0; i < 2000; i++) {
            int k = (i + offset) % inputs.size();
            assertEquals(allows.get(k), p.evaluateRule("authz/allow", inputs.get(k)), TABLE[k][0] + " " + TABLE[k][1]);
            assertEquals(reasons.get(k), p.evaluateRule("data.authz.reasons", inputs.get(k)), TABLE[k][0] + " " + TABLE[k][1]);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();   // rethrows any thread's assertion failure
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
