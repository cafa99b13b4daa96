package dev.tollgate.rego.testing;

import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoCompileException;
import dev.tollgate.rego.RegoEvalException;
import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.RuleInfo;
import dev.tollgate.rego.RuleOutline;
import dev.tollgate.rego.Schemas;
import dev.tollgate.rego.testing.CoverageReport.FileCoverage;
import dev.tollgate.rego.testing.TestResult.Status;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Runs the {@code test_} rules of Rego modules like {@code opa test}: each test rule is evaluated
 * on its own; it passes when its value is defined and not false, fails when it is undefined or
 * false, and errors when evaluation fails. {@code todo_test_} rules are reported as skipped.
 */
public final class TestRunner {
  private static final Pattern TEST_NAME = Pattern.compile("(todo_)?test_[A-Za-z0-9_]*");

  /**
   * Settings of a run.
   *
   * @param syntax the modules' Rego syntax
   * @param run runs only the tests whose fully qualified name ({@code data.pkg.test_x}) this
   *     pattern finds a match in; null for all
   * @param coverage whether to measure line coverage of the non-test modules
   * @param schemas JSON schemas the modules are type checked against
   */
  public record Options(RegoSyntax syntax, Pattern run, boolean coverage, Schemas schemas) {
    public static final Options DEFAULT = new Options(RegoSyntax.V1, null, false, Schemas.NONE);

    public Options(RegoSyntax syntax, Pattern run, boolean coverage) {
      this(syntax, run, coverage, Schemas.NONE);
    }

    public Options withSyntax(RegoSyntax s) {
      return new Options(s, run, coverage, schemas);
    }

    public Options withRun(Pattern p) {
      return new Options(syntax, p, coverage, schemas);
    }

    public Options withCoverage(boolean c) {
      return new Options(syntax, run, c, schemas);
    }

    public Options withSchemas(Schemas s) {
      return new Options(syntax, run, coverage, s);
    }
  }

  private TestRunner() {}

  /**
   * Loads modules and data from {@code paths} and runs their tests.
   *
   * @throws PolicyFiles.LoadException when a file cannot be read or its data is invalid
   */
  public static TestReport run(List<Path> paths, Options options) throws PolicyFiles.LoadException {
    return run(PolicyFiles.load(paths), options);
  }

  /** Runs the tests of already loaded modules and data. */
  public static TestReport run(PolicyFiles files, Options options) {
    Rego.Builder b = Rego.compiler().syntax(options.syntax()).data(files.data()).schemas(options.schemas());
    files.modules().forEach(b::module);
    CompiledPolicy policy;
    try {
      policy = b.compile();
    } catch (RegoCompileException e) {
      return new TestReport(e.errors(), List.of(), null);
    }
    Outlines outlines = new Outlines(policy.outline());
    SourceText src = new SourceText(files.modules());

    Map<String, List<RuleInfo>> tests = new LinkedHashMap<>();
    Set<String> testFiles = new HashSet<>();
    for (RuleInfo r : policy.rules()) {
      if (!r.function() && TEST_NAME.matcher(r.name()).matches()) {
        tests.computeIfAbsent(r.ref(), k -> new ArrayList<>()).add(r);
        testFiles.add(SourceText.Location.parse(r.location()).file());
      }
    }

    Set<String> hits = new HashSet<>();
    Set<String> heads = new HashSet<>();
    List<TestResult> results = new ArrayList<>();
    for (Map.Entry<String, List<RuleInfo>> t : tests.entrySet()) {
      String ref = t.getKey();
      if (options.run() != null && !options.run().matcher(ref).find()) {
        continue;
      }
      List<RuleInfo> defs = t.getValue();
      if (defs.get(0).name().startsWith("todo_")) {
        for (int i = 0; i < defs.size(); i++) {
          results.add(new TestResult(name(ref, i), defs.get(i).location(), Status.SKIPPED, 0, List.of(), List.of(), ""));
        }
        continue;
      }
      results.addAll(runOne(policy, outlines, src, ref, defs, hits, heads));
    }
    CoverageReport coverage = options.coverage() ? coverage(outlines, files, testFiles, hits, heads) : null;
    return new TestReport(List.of(), results, coverage);
  }

  private static String name(String ref, int i) {
    return i == 0 ? ref : ref + String.format("#%02d", i);
  }

  private static List<TestResult> runOne(CompiledPolicy policy, Outlines outlines, SourceText src, String ref,
      List<RuleInfo> defs, Set<String> hits, Set<String> heads) {
    TraceRecorder rec = new TraceRecorder(outlines);
    List<String> output = new ArrayList<>();
    EvalOptions opts = EvalOptions.DEFAULT.withPrintSink(output::add);
    Value value = null;
    String error = null;
    long start = System.nanoTime();
    try {
      value = policy.evaluateRule(ref, opts, rec);
    } catch (RegoEvalException e) {
      error = String.join("\n", e.errors().stream().map(Object::toString).toList());
    } catch (RuntimeException e) {
      error = "internal error: " + e;
    }
    long nanos = System.nanoTime() - start;
    hits.addAll(rec.expressionsHit());
    heads.addAll(rec.headsProduced());

    List<RuleOutline> outlineDefs = outlines.definitions(ref);
    List<TestResult> out = new ArrayList<>();
    boolean falseValue = value instanceof BooleanValue bv && !bv.value();
    for (int i = 0; i < defs.size(); i++) {
      RuleInfo d = defs.get(i);
      RuleOutline o = find(outlineDefs, d.location());
      Status status;
      List<DefinitionReport> failures = List.of();
      if (error != null) {
        status = Status.ERROR;
      } else {
        boolean passed = defs.size() == 1
            ? value != null && !falseValue
            : !falseValue && o != null && producedAny(o, rec);
        status = passed ? Status.PASS : Status.FAIL;
        if (!passed && o != null) {
          failures = Traces.chain(o, rec, src).stream()
              .filter(r -> r.outcome() == DefinitionReport.Outcome.NOT_APPLIED)
              .toList();
          if (falseValue) {
            failures = List.of(new DefinitionReport(d.location(), src.lineAt(d.location()),
                DefinitionReport.Outcome.NOT_APPLIED, d.location(), "the test's value is false", List.of()));
          }
        }
      }
      out.add(new TestResult(name(ref, i), d.location(), status, nanos, output, failures, error));
    }
    return out;
  }

  private static RuleOutline find(List<RuleOutline> defs, String location) {
    for (RuleOutline o : defs) {
      if (o.location().equals(location)) {
        return o;
      }
    }
    return null;
  }

  private static boolean producedAny(RuleOutline o, TraceRecorder rec) {
    for (RuleOutline b = o; b != null; b = b.elseBranch()) {
      TraceRecorder.DefinitionTrace t = rec.definition(b.location());
      if (t != null && t.produced) {
        return true;
      }
    }
    return false;
  }

  /**
   * Modules count as test modules, and are left out of coverage, when their file name ends in
   * {@code _test.rego} or they define {@code test_} rules.
   */
  private static CoverageReport coverage(Outlines outlines, PolicyFiles files, Set<String> testFiles,
      Set<String> hits, Set<String> heads) {
    Map<String, TreeSet<Integer>> coverable = new TreeMap<>();
    Map<String, TreeSet<Integer>> covered = new TreeMap<>();
    for (String f : files.modules().keySet()) {
      if (!f.endsWith("_test.rego") && !testFiles.contains(f)) {
        coverable.put(f, new TreeSet<>());
        covered.put(f, new TreeSet<>());
      }
    }
    for (RuleOutline o : outlines.all()) {
      for (RuleOutline b = o; b != null; b = b.elseBranch()) {
        mark(b.location(), heads.contains(b.location()), coverable, covered);
        for (String e : b.body()) {
          mark(e, hits.contains(e), coverable, covered);
        }
        for (String e : b.nested()) {
          mark(e, hits.contains(e), coverable, covered);
        }
      }
    }
    List<FileCoverage> out = new ArrayList<>();
    for (Map.Entry<String, TreeSet<Integer>> e : coverable.entrySet()) {
      TreeSet<Integer> c = covered.get(e.getKey());
      TreeSet<Integer> not = new TreeSet<>(e.getValue());
      not.removeAll(c);
      out.add(new FileCoverage(e.getKey(), c, not));
    }
    return new CoverageReport(out);
  }

  private static void mark(String location, boolean hit, Map<String, TreeSet<Integer>> coverable,
      Map<String, TreeSet<Integer>> covered) {
    SourceText.Location l = SourceText.Location.parse(location);
    TreeSet<Integer> lines = coverable.get(l.file());
    if (lines == null || l.line() <= 0) {
      return;
    }
    lines.add(l.line());
    if (hit) {
      covered.get(l.file()).add(l.line());
    }
  }
}
