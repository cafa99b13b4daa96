package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Large constant tables (module-level arrays of objects) evaluate without exhausting the stack. */
class LargeLiteralTest {
  private static String table(int rows) {
    StringBuilder sb = new StringBuilder("cases := [\n");
    for (int i = 0; i < rows; i++) {
      sb.append("  {\"id\": ").append(i).append(", \"doc\": {\"a\": [1, 2, {\"b\": \"x\"}]}, \"tags\": {\"t")
          .append(i % 7).append("\"}},\n");
    }
    return sb.append("]\n").toString();
  }

  @Test
  void aTableOfFiveThousandObjectsEvaluatesOnAnOrdinaryStack() throws Exception {
    CompiledPolicy p = Rego.compiler()
        .module("t.rego", "package t\n" + table(5000)
            + "ids := [c.id | some c in cases; \"t3\" in c.tags]\n"
            + "with_var := [{\"id\": c.id, \"n\": n} | some c in cases; n := count(c.doc.a)]\n")
        .compile();
    // on a thread with a small stack, so the test means the same wherever it runs
    Value[] got = new Value[3];
    Throwable[] failed = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        got[0] = p.evaluateRule("t/cases", (Value) null);
        got[1] = p.evaluateRule("t/ids", (Value) null);
        got[2] = p.evaluateRule("t/with_var", (Value) null);
      } catch (Throwable e) {
        failed[0] = e;
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    if (failed[0] != null) {
      throw new AssertionError("evaluation failed", failed[0]);
    }
    assertEquals(5000, ((dev.tollgate.rego.value.ArrayValue) got[0]).size());
    assertEquals(Rego.parseTerm("{\"id\": 4999, \"doc\": {\"a\": [1, 2, {\"b\": \"x\"}]}, \"tags\": {\"t1\"}}"),
        ((dev.tollgate.rego.value.ArrayValue) got[0]).get(4999));
    assertEquals(714, ((dev.tollgate.rego.value.ArrayValue) got[1]).size());
    assertEquals(Json.parse("{\"id\": 7, \"n\": 3}"), ((dev.tollgate.rego.value.ArrayValue) got[2]).get(7));
  }

  @Test
  void literalsWithVariablesStillEvaluateTermByTerm() {
    CompiledPolicy p = Rego.compiler()
        .module("t.rego", "package t\nxs := [1, 2]\np := [{\"v\": x, \"k\": [1, {2}]} | some x in xs]\n")
        .compile();
    List<Map<String, Value>> rows = p.prepare("x := data.t.p").eval(EvalOptions.DEFAULT);
    assertEquals(Rego.parseTerm("[{\"v\": 1, \"k\": [1, {2}]}, {\"v\": 2, \"k\": [1, {2}]}]"), rows.get(0).get("x"));
  }
}
