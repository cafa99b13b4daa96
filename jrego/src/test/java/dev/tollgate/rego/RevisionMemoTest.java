package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Documents and function results shared by every evaluation of one policy revision. */
class RevisionMemoTest {
  private static final String DATA = """
      {"limits": {"gold": 100, "silver": 10}, "names": ["a", "b"], "aliases": {"tx": "transaction-ms"}}
      """;

  private static CompiledPolicy compile(String module) {
    return Rego.compiler().module("t.rego", "package t\nimport rego.v1\n" + module)
        .module("u.rego", "package u\nimport rego.v1\na := input.a\nb := 2\n")
        .module("v.rego", "package v\nimport rego.v1\nk := 1\n")
        .data(Json.parse(DATA)).compile();
  }

  private static Node node(CompiledPolicy p, String name) {
    return p.root().children.get(StringValue.of("t")).children.get(StringValue.of(name));
  }

  private static Value input(String json) {
    return Json.parse(json);
  }

  /** Which rules are shared by the revision: whatever could see the request (or the clock) is not. */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiter = ';', textBlock = """
      constant set                 ; x := {"a", "b"}                                          ; true
      base data                    ; x := data.limits.gold                                    ; true
      comprehension over data      ; x := {n | some n in data.names}                          ; true
      pure built-ins on data       ; x := upper(concat(",", data.names))                      ; true
      another independent rule     ; y := 1\\nx := y + 1                                      ; true
      function of data             ; f(n) := object.get(data.aliases, n, n)\\nx := f("tx")   ; true
      a package of constants       ; x := data.v                                              ; true
      input                        ; x := input.a                                             ; false
      input through a rule         ; y := input.a\\nx := y                                    ; false
      input through a function     ; f(n) := input[n]\\nx := f("a")                           ; false
      a package that reads input   ; x := count(data.u)                                       ; false
      dynamic ref into rules       ; x := data.u[data.names[0]]                               ; false
      clock                        ; x := time.now_ns()                                       ; false
      random                       ; x := rand.intn("k", 10)                                  ; false
      print                        ; x if print("hi")                                         ; false
      with                         ; y := input.a\\nx if y with input.a as 1                  ; false
      """)
  void independence(String what, String rules, boolean independent) {
    CompiledPolicy p = compile(rules.replace("\\n", "\n"));
    assertEquals(independent, p.revisionMemo(false).independent(node(p, "x")), what);
  }

  @Test
  void anIndependentDocumentIsComputedOnceAndShared() {
    CompiledPolicy p = compile("""
        gold := data.limits.gold
        allow if input.n < gold
        """);
    assertNull(p.revisionMemo(false).doc(node(p, "gold")));
    assertEquals("true", p.evaluateRule("t/allow", input("{\"n\": 5}")).toJson());
    Value shared = p.revisionMemo(false).doc(node(p, "gold"));
    assertEquals("100", shared.toJson());
    assertNull(p.evaluateRule("t/allow", input("{\"n\": 500}")));
    assertTrue(shared == p.revisionMemo(false).doc(node(p, "gold")), "computed again");
    assertNull(p.revisionMemo(false).doc(node(p, "allow")), "an input-dependent rule was shared");
  }

  @Test
  void withOnDataOrFunctionsNeverReadsOrFillsTheMemo() {
    CompiledPolicy p = compile("""
        gold := data.limits.gold
        name(n) := object.get(data.aliases, n, n)
        a := gold
        b := v if v := gold with data.limits.gold as 7
        c := name("tx")
        d := v if v := name("tx") with data.aliases as {}
        """);
    assertEquals("100", p.evaluateRule("t/a", input("{}")).toJson());
    assertEquals("7", p.evaluateRule("t/b", input("{}")).toJson());
    assertEquals("100", p.evaluateRule("t/a", input("{}")).toJson());
    assertEquals("\"transaction-ms\"", p.evaluateRule("t/c", input("{}")).toJson());
    assertEquals("\"tx\"", p.evaluateRule("t/d", input("{}")).toJson());
    assertEquals("\"transaction-ms\"", p.evaluateRule("t/c", input("{}")).toJson());
    // and in the other order: a memo filled first is not used under the replacement
    CompiledPolicy q = compile("""
        gold := data.limits.gold
        a := gold
        b := v if v := gold with data.limits.gold as 7
        """);
    assertEquals("100", q.evaluateRule("t/a", input("{}")).toJson());
    assertEquals("7", q.evaluateRule("t/b", input("{}")).toJson());
  }

  @Test
  void aFunctionOfScalarsIsRememberedPerArgumentsAndBounded() {
    CompiledPolicy p = compile("""
        name(n) := object.get(data.aliases, n, n)
        x := name(input.n)
        """);
    assertEquals("\"transaction-ms\"", p.evaluateRule("t/x", input("{\"n\": \"tx\"}")).toJson());
    assertEquals("\"api-ms\"", p.evaluateRule("t/x", input("{\"n\": \"api-ms\"}")).toJson());
    Node fn = node(p, "name");
    assertEquals("\"transaction-ms\"", p.revisionMemo(false).call(fn, new Value[] {StringValue.of("tx")}).toJson());
    for (int i = 0; i < RevisionMemo.MAX_CALLS * 2 + 10; i++) {
      assertEquals("\"n" + i + "\"", p.evaluateRule("t/x", input("{\"n\": \"n" + i + "\"}")).toJson());
    }
    int remembered = 0;
    for (int i = 0; i < RevisionMemo.MAX_CALLS * 2 + 10; i++) {
      if (p.revisionMemo(false).call(fn, new Value[] {StringValue.of("n" + i)}) != null) {
        remembered++;
      }
    }
    assertTrue(remembered > 0 && remembered <= RevisionMemo.MAX_CALLS, "remembered " + remembered);
  }

  @Test
  void objectArgumentsAreNotRemembered() {
    CompiledPolicy p = compile("""
        size(o) := count(o)
        x := size(input)
        """);
    assertEquals("2", p.evaluateRule("t/x", input("{\"a\": 1, \"b\": 2}")).toJson());
    assertEquals("1", p.evaluateRule("t/x", input("{\"a\": 1}")).toJson());
  }

  @Test
  void aFailureIsNotRememberedAndStrictErrorsStayErrors() {
    CompiledPolicy p = compile("""
        n := to_number("not a number")
        x := "undefined" if not n
        """);
    assertEquals("\"undefined\"", p.evaluateRule("t/x", input("{}")).toJson());
    EvalOptions strict = EvalOptions.DEFAULT.withInput(input("{}")).withStrictBuiltinErrors(true);
    assertThrows(RegoEvalException.class, () -> p.evaluateRule("t/x", strict));
    assertThrows(RegoEvalException.class, () -> p.evaluateRule("t/x", strict));
    assertEquals("\"undefined\"", p.evaluateRule("t/x", input("{}")).toJson());
  }

  @Test
  void conflictingFunctionDefinitionsAreReportedOnlyWhenReachedAsBefore() {
    CompiledPolicy p = compile("""
        f(x) := y if {
          x == "a"
          y := 1
        }
        f(x) := y if {
          x == "a"
          y := 2
        }
        first if f("a")
        both := [v | v := f("a")]
        """);
    for (int i = 0; i < 3; i++) {
      assertEquals("true", p.evaluateRule("t/first", input("{}")).toJson());
      assertThrows(RegoEvalException.class, () -> p.evaluateRule("t/both", input("{}")));
    }
  }

  @Test
  void listenersSeeEveryRuleEvenWhenShared() {
    CompiledPolicy p = compile("""
        gold := data.limits.gold
        allow if input.n < gold
        """);
    p.evaluateRule("t/allow", input("{\"n\": 5}"));
    List<String> entered = new ArrayList<>();
    p.evaluateRule("t/allow", EvalOptions.DEFAULT.withInput(input("{\"n\": 5}")), new EvalListener() {
      @Override
      public void enterRule(String location) {
        entered.add(location);
      }
    });
    assertEquals(2, entered.size(), entered.toString());
  }

  @Test
  void concurrentEvaluationsAgree() throws Exception {
    CompiledPolicy p = compile("""
        names := {upper(n) | some n in data.names}
        name(n) := object.get(data.aliases, n, n)
        x := [name(input.n), names]
        """);
    List<Thread> threads = new ArrayList<>();
    Map<Integer, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          for (int i = 0; i < 2000; i++) {
          Value v = p.evaluateRule("t/x", input("{\"n\": \"tx" + (i % 3) + "\"}"));
          assertNotNull(v);
          seen.merge(i % 3, v.toJson(), (a, b) -> {
            assertEquals(a, b);
            return a;
          });
        }
          seen.putIfAbsent(100 + id, "done");
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertEquals(List.of(), failures);
    assertEquals("[\"tx0\",[\"A\",\"B\"]]", seen.get(0));
    assertEquals(7, seen.size());
  }
}
