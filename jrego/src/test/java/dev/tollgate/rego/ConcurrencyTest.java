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

  @Test
  void sharedPolicyIsThreadSafe() throws Exception {
    CompiledPolicy p = Rego.compiler()
        .module("authz.rego", POLICY)
        .data(Json.parse("{\"roles\": {\"ann\": [\"reader\"], \"bob\": [\"admin\"], \"cy\": []}}"))
        .compile();
    String[] users = {"ann", "bob", "cy", "dan"};
    String[] methods = {"GET", "POST", "DELETE"};
    List<Value> inputs = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (String u : users) {
      for (String m : methods) {
        Value in = Json.parse("{\"user\":\"" + u + "\",\"method\":\"" + m + "\"}");
        inputs.add(in);
        expected.add(p.evaluateRule("authz/allow", in) + "|" + p.evaluateRule("data.authz.reasons", in));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        futures.add(pool.submit(() -> {
          int checked = 0;
          for (int i = 0; i < 2000; i++) {
            int k = (i + offset) % inputs.size();
            String got = p.evaluateRule("authz/allow", inputs.get(k)) + "|"
                + p.evaluateRule("data.authz.reasons", inputs.get(k));
            assertEquals(expected.get(k), got);
            checked++;
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : futures) {
        total += f.get();
      }
      assertEquals(16000, total);
    } finally {
      pool.shutdownNow();
    }
  }
}
