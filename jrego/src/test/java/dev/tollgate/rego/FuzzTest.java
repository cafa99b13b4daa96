package dev.tollgate.rego;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.rego.testing.ConformanceCases;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated modules, queries and inputs: the only acceptable outcomes are a result or a
 * {@link RegoException}. Seeds are fixed so failures reproduce.
 */
class FuzzTest {
  /** How many generated modules compiled, so evaluation really gets exercised. */
  private static final java.util.concurrent.atomic.AtomicInteger COMPILED = new java.util.concurrent.atomic.AtomicInteger();
  private static final EvalLimits TIGHT = new EvalLimits(20_000, 40, 200_000_000L);
  private static final String[] TOKENS = {
    "{", "}", "[", "]", "(", ")", ":=", "=", "==", "!=", "<", "+", "-", "*", "/", "%", "|", "&", ",",
    ";", ":", ".", "\n", " if ", " else ", " contains ", " in ", " some ", " every ", " not ", " with ",
    " as ", " default ", "x", "y", "_", "input", "data", "p", "q", "f(x)", "1", "-1", "1.5e3", "\"s\"",
    "`r`", "true", "null", "set()", "import rego.v1\n", "package z\n", "#c\n"
  };

  /** Conformance sets hold some 1,700 cases; fewer modules means the folder is not what it should be. */
  private static final int MIN_CONFORMANCE_MODULES = 1_500;

  private static List<String> conformanceModules() throws IOException {
    List<String> out = new ArrayList<>();
    for (String set : List.of("v1", "v0")) {
      out.addAll(modulesUnder(ConformanceCases.require(set)));
    }
    return out;
  }

  private static List<String> modulesUnder(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode doc = yaml.readTree(f.toFile());
        if (doc == null) {
          continue;
        }
        for (JsonNode c : doc.path("cases")) {
          for (JsonNode m : c.path("modules")) {
            out.add(m.asText());
          }
        }
      }
    }
    return out;
  }

  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("\\b\\d+(\\.\\d+)?\\b");
  private static final java.util.regex.Pattern STRING = java.util.regex.Pattern.compile("\"[a-z]*\"");
  private static final java.util.regex.Pattern OPERATOR = java.util.regex.Pattern.compile("==|!=|<=|>=| < | > | \\+ | - | \\* | / | % ");
  private static final String[] NUMBERS = {"0", "1", "-1", "2.5", "1e30", "9223372036854775808", "0.1"};
  private static final String[] STRINGS = {"\"\"", "\"a\"", "\"GET\"", "\"foo\"", "\"1\""};
  private static final String[] OPERATORS = {"==", "!=", "<=", ">=", " < ", " > ", " + ", " - ", " * ", " / ", " % "};

  /** A small change that usually keeps the module valid: a literal or an operator replaced. */
  private static String tweak(String text, Random r) {
    java.util.regex.Pattern pattern = switch (r.nextInt(3)) {
      case 0 -> NUMBER;
      case 1 -> STRING;
      default -> OPERATOR;
    };
    String[] pool = pattern == NUMBER ? NUMBERS : pattern == STRING ? STRINGS : OPERATORS;
    java.util.regex.Matcher m = pattern.matcher(text);
    List<int[]> spans = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return text;
    }
    int[] at = spans.get(r.nextInt(spans.size()));
    return text.substring(0, at[0]) + pool[r.nextInt(pool.length)] + text.substring(at[1]);
  }

  private static String mutate(String text, Random r) {
    int mode = r.nextInt(10);
    if (mode < 3) {
      return text;
    }
    if (mode < 7) {
      String t = tweak(text, r);
      return r.nextBoolean() ? tweak(t, r) : t;
    }
    StringBuilder sb = new StringBuilder(text);
    int n = 1 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      int len = sb.length();
      int at = len == 0 ? 0 : r.nextInt(len);
      switch (r.nextInt(5)) {
        case 0 -> sb.delete(at, Math.min(len, at + 1 + r.nextInt(8)));
        case 1 -> sb.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
        case 2 -> {
          int end = Math.min(len, at + 1 + r.nextInt(30));
          sb.insert(r.nextInt(sb.length() + 1), sb.substring(at, end));
        }
        case 3 -> {
          if (len > 0) {
            sb.setCharAt(at, (char) (32 + r.nextInt(95)));
          }
        }
        default -> sb.insert(at, (char) r.nextInt(0x3000));
      }
    }
    return sb.toString();
  }

  static Value randomValue(Random r, int depth) {
    int kind = depth > 3 ? r.nextInt(4) : r.nextInt(7);
    return switch (kind) {
      case 0 -> NullValue.INSTANCE;
      case 1 -> BooleanValue.of(r.nextBoolean());
      case 2 -> r.nextBoolean() ? NumberValue.of(r.nextInt(10) - 3) : NumberValue.parse(r.nextInt(1000) + "." + r.nextInt(100));
      case 3 -> StringValue.of(List.of("a", "b", "GET", "x", "", "foo").get(r.nextInt(6)));
      case 4 -> {
        Value[] items = new Value[r.nextInt(4)];
        for (int i = 0; i < items.length; i++) {
          items[i] = randomValue(r, depth + 1);
        }
        yield ArrayValue.of(items);
      }
      default -> {
        ObjectValue.Builder b = ObjectValue.builder();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          b.put(List.of("a", "b", "x", "y", "foo").get(r.nextInt(5)), randomValue(r, depth + 1));
        }
        yield b.build();
      }
    };
  }

  /** Compiles and evaluates; fails the test on anything but a result or a Rego error. */
  private static void exercise(String module, RegoSyntax syntax, Value input) {
    CompiledPolicy p;
    try {
      p = Rego.compiler().syntax(syntax).module("fuzz.rego", module).limits(TIGHT).compile();
      COMPILED.incrementAndGet();
    } catch (RegoException expected) {
      return;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("compile crashed on:\n" + module, e);
    }
    for (RuleInfo rule : p.rules()) {
      if (rule.function()) {
        continue;
      }
      try {
        p.evaluateRule(rule.ref(), EvalOptions.input(input).withStrictBuiltinErrors(true));
      } catch (RegoException expected) {
        // a Rego error is a fine outcome
      } catch (RuntimeException | Error e) {
        throw new AssertionError("evaluation of " + rule.ref() + " crashed on:\n" + module, e);
      }
    }
  }

  @Test
  void mutatedConformanceModulesFailCleanly() throws IOException {
    List<String> modules = conformanceModules();
    org.junit.jupiter.api.Assertions.assertTrue(modules.size() >= MIN_CONFORMANCE_MODULES,
        "only " + modules.size() + " conformance modules found to mutate");
    Random r = new Random(20261129);
    int before = COMPILED.get();
    int runs = 3000;
    assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
      for (int i = 0; i < runs; i++) {
        int pick = r.nextInt(modules.size());
        String m = mutate(modules.get(pick), r);
        // conformance modules come from both sets: try the syntax each one is likelier to use
        RegoSyntax syntax = m.contains(" if ") || m.contains("rego.v1") ? RegoSyntax.V1 : RegoSyntax.V0;
        exercise(m, syntax, randomValue(r, 0));
      }
    });
    org.junit.jupiter.api.Assertions.assertTrue(COMPILED.get() - before > runs / 5,
        "too few generated modules compiled to exercise evaluation: " + (COMPILED.get() - before));
  }

  @Test
  void randomTokenSoupFailsCleanly() {
    Random r = new Random(42);
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 3000; i++) {
        StringBuilder sb = new StringBuilder("package fuzz\n");
        int n = 1 + r.nextInt(40);
        for (int j = 0; j < n; j++) {
          sb.append(TOKENS[r.nextInt(TOKENS.length)]);
        }
        exercise(sb.toString(), r.nextBoolean() ? RegoSyntax.V1 : RegoSyntax.V0, randomValue(r, 0));
      }
    });
  }

  @Test
  void randomQueriesAndTermsFailCleanly() {
    CompiledPolicy p = Rego.compiler()
        .module("q.rego", "package q\nxs := [1, 2, 3]\nf(x) := x + 1\ns contains x if some x in xs\n")
        .limits(TIGHT)
        .compile();
    Random r = new Random(7);
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 3000; i++) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(12);
        for (int j = 0; j < n; j++) {
          sb.append(r.nextInt(4) == 0 ? " data.q.xs[i] " : TOKENS[r.nextInt(TOKENS.length)]);
        }
        String text = sb.toString();
        try {
          p.prepare(text).eval(EvalOptions.input(randomValue(r, 0)));
        } catch (RegoException expected) {
          // a Rego error is a fine outcome
        } catch (RuntimeException | Error e) {
          throw new AssertionError("query crashed: " + text, e);
        }
        try {
          Rego.parseTerm(text);
        } catch (RegoException expected) {
          // a Rego error is a fine outcome
        } catch (RuntimeException | Error e) {
          throw new AssertionError("term crashed: " + text, e);
        }
      }
    });
  }

  /** What a deeply nested module must give: the error code and a phrase of its message. */
  private record Refusal(String body, String code, String message) {}

  @Test
  void deepNestingIsRefusedWithANestingError() {
    int n = 100_000;
    List<Refusal> refused = List.of(
        new Refusal("p := " + "[".repeat(n) + "]".repeat(n), "rego_parse_error", "nesting depth exceeds"),
        new Refusal("p := " + "(".repeat(n) + "1" + ")".repeat(n), "rego_parse_error", "nesting depth exceeds"),
        new Refusal("p := " + "{\"a\":".repeat(n) + "1" + "}".repeat(n), "rego_parse_error", "nesting depth exceeds"),
        new Refusal("p := " + "-".repeat(n) + "1", "rego_parse_error", "nesting depth exceeds"),
        new Refusal("p := " + "1 + ".repeat(n) + "1", "rego_compile_error", "nesting too deep"),
        new Refusal("p := [x | x := " + "[y | y := ".repeat(2000) + "1" + "]".repeat(2000) + "]",
            "rego_parse_error", "nesting depth exceeds"));
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (Refusal c : refused) {
        RegoException e = org.junit.jupiter.api.Assertions.assertThrows(RegoException.class,
            () -> Rego.compiler().module("fuzz.rego", "package fuzz\n" + c.body() + "\n").limits(TIGHT).compile(),
            () -> "must be refused: " + c.body().substring(0, 40));
        org.junit.jupiter.api.Assertions.assertEquals(c.code(), e.errors().get(0).code(), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(c.message()), e.getMessage());
      }
      try {
        Rego.parseTerm("[".repeat(n) + "]".repeat(n));
        fail("deep term should be rejected");
      } catch (RegoException expected) {
        org.junit.jupiter.api.Assertions.assertEquals("rego_parse_error", expected.errors().get(0).code());
      }
      // a long body is wide, not deep: it compiles and evaluates (undefined: input.a does not exist)
      CompiledPolicy wide = Rego.compiler()
          .module("fuzz.rego", "package fuzz\np if {\n  x := 1\n" + "  input.a[_]\n".repeat(20000) + "}\n")
          .limits(TIGHT).compile();
      org.junit.jupiter.api.Assertions.assertNull(
          wide.evaluateRule("fuzz/p", EvalOptions.input(ArrayValue.of(NumberValue.of(1)))));
    });
  }

  @Test
  void runawayRecursionAndIterationHitLimits() {
    String module = """
        package fuzz
        xs := [i | some i in [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]]
        p := [[a, b, c, d] | some a in xs; some b in xs; some c in xs; some d in xs]
        big := 1e100000 + 1
        huge := 1e999999999 * 1e999999999
        wide := 1e999999999 + 1
        wide2 := 1e-999999999 + 1
        """;
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      CompiledPolicy p = Rego.compiler().syntax(RegoSyntax.V1).module("fuzz.rego", module).limits(TIGHT).compile();
      // 21^4 combinations are far more than TIGHT's 20,000 steps (on a loaded machine its 200 ms
      // time limit may come first: either limit ends it)
      RegoException e = org.junit.jupiter.api.Assertions.assertThrows(RegoException.class,
          () -> p.evaluateRule("fuzz/p", EvalOptions.input(NullValue.INSTANCE)));
      org.junit.jupiter.api.Assertions.assertEquals("eval_cancel_error", e.errors().get(0).code(), e.getMessage());
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("exceeded the step limit (20000)")
          || e.getMessage().contains("exceeded the time limit"), e.getMessage());
      // huge numbers end in a result or a Rego error, within the time limit
      exercise(module, RegoSyntax.V1, NullValue.INSTANCE);
    });
  }
}
