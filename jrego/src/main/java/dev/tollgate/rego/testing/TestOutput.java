package dev.tollgate.rego.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.testing.CoverageReport.FileCoverage;
import dev.tollgate.rego.testing.TestResult.Status;
import java.io.PrintStream;
import java.util.Locale;
import java.util.SortedSet;

/** Prints a {@link TestReport} as text (like {@code opa test}) or as JSON. */
public final class TestOutput {
  private TestOutput() {}

  private static final String RULE = "-".repeat(80);

  /**
   * Writes the report as text. Verbose lists every test with its print output; otherwise only
   * failures and errors get details. The last line is the summary ({@code N passed, N failed}).
   *
   * @param threshold minimum coverage percent (0 for none), reported when not met
   */
  public static void text(TestReport report, boolean verbose, double threshold, PrintStream out) {
    if (!report.compileErrors().isEmpty()) {
      int n = report.compileErrors().size();
      out.println(n == 1 ? "1 error occurred:" : n + " errors occurred:");
      for (RegoError e : report.compileErrors()) {
        out.println(e);
      }
      return;
    }
    if (verbose) {
      String file = null;
      for (TestResult r : report.results()) {
        if (!r.file().equals(file)) {
          if (file != null) {
            out.println();
          }
          file = r.file();
          out.println(file + ":");
        }
        details(r, out);
      }
      if (!report.results().isEmpty()) {
        out.println();
      }
    } else if (report.results().stream().anyMatch(r -> r.status() == Status.FAIL || r.status() == Status.ERROR)) {
      out.println("FAILURES");
      out.println(RULE);
      for (TestResult r : report.results()) {
        if (r.status() == Status.FAIL || r.status() == Status.ERROR) {
          details(r, out);
        }
      }
      out.println();
    }
    if (report.coverage() != null) {
      coverage(report.coverage(), verbose, out);
      if (report.belowThreshold(threshold)) {
        out.printf(Locale.ROOT, "coverage %.2f%% is below the threshold %.2f%%%n", report.coverage().percent(),
            threshold);
      }
    }
    out.println(report.summary());
  }

  private static void details(TestResult r, PrintStream out) {
    out.println(r.name() + ": " + r.status() + (r.status() == Status.SKIPPED ? "" : " (" + duration(r.durationNanos()) + ")"));
    if (r.status() == Status.ERROR) {
      for (String line : r.error().split("\n")) {
        out.println("  error: " + line);
      }
    }
    for (DefinitionReport f : r.failures()) {
      out.println("  failed: " + f.failure());
      StringBuilder sb = new StringBuilder();
      f.appendCauses(sb, "    ");
      out.print(sb);
    }
    for (String line : r.output()) {
      out.println("  print: " + line);
    }
  }

  /** Durations the way Go prints them, rounded: {@code 850µs}, {@code 12.3ms}, {@code 1.25s}. */
  static String duration(long nanos) {
    if (nanos < 1_000_000L) {
      return (nanos / 1000) + "µs";
    }
    if (nanos < 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.1fms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
  }

  /** The coverage table (with the uncovered lines of each file when {@code verbose}). */
  public static void coverage(CoverageReport c, boolean verbose, PrintStream out) {
    int width = Math.max(4, c.files().stream().mapToInt(f -> f.file().length()).max().orElse(4));
    String fmt = "%-" + width + "s  %9s  %7s  %s";
    out.println("COVERAGE");
    out.println(RULE);
    out.println(String.format(Locale.ROOT, fmt, "FILE", "LINES", "PERCENT", verbose ? "NOT COVERED" : "").stripTrailing());
    for (FileCoverage f : c.files()) {
      out.println(String.format(Locale.ROOT, fmt, f.file(), f.covered().size() + "/" + f.total(),
          String.format(Locale.ROOT, "%.2f%%", f.percent()), verbose ? ranges(f.notCovered()) : "").stripTrailing());
    }
    out.println(String.format(Locale.ROOT, fmt, "total", c.covered() + "/" + c.total(),
        String.format(Locale.ROOT, "%.2f%%", c.percent()), "").stripTrailing());
    out.println();
  }

  /** {@code 3-5, 9}. */
  static String ranges(SortedSet<Integer> lines) {
    StringBuilder sb = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int l : lines) {
      if (prev != null && l == prev + 1) {
        prev = l;
        continue;
      }
      if (start != null) {
        append(sb, start, prev);
      }
      start = l;
      prev = l;
    }
    if (start != null) {
      append(sb, start, prev);
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, int a, int b) {
    if (sb.length() > 0) {
      sb.append(", ");
    }
    sb.append(a);
    if (b != a) {
      sb.append('-').append(b);
    }
  }

  /** The report as one JSON document. */
  public static String json(TestReport report, double threshold) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    ArrayNode errs = root.putArray("compile_errors");
    for (RegoError e : report.compileErrors()) {
      errs.addObject().put("code", e.code()).put("message", e.message()).put("location", e.location());
    }
    ArrayNode tests = root.putArray("tests");
    for (TestResult r : report.results()) {
      ObjectNode t = tests.addObject();
      t.put("name", r.name()).put("location", r.location()).put("status", r.status().name())
          .put("duration_ns", r.durationNanos());
      if (!r.output().isEmpty()) {
        ArrayNode o = t.putArray("output");
        r.output().forEach(o::add);
      }
      if (!r.failures().isEmpty()) {
        ArrayNode fs = t.putArray("failures");
        r.failures().forEach(f -> failure(fs.addObject(), f));
      }
      if (!r.error().isEmpty()) {
        t.put("error", r.error());
      }
    }
    ObjectNode s = root.putObject("summary");
    s.put("passed", report.count(Status.PASS)).put("failed", report.count(Status.FAIL))
        .put("errored", report.count(Status.ERROR)).put("skipped", report.count(Status.SKIPPED));
    if (report.coverage() != null) {
      CoverageReport c = report.coverage();
      ObjectNode cov = root.putObject("coverage");
      ObjectNode files = cov.putObject("files");
      for (FileCoverage f : c.files()) {
        ObjectNode fo = files.putObject(f.file());
        fo.put("covered_lines", f.covered().size()).put("total_lines", f.total()).put("percent", round(f.percent()));
        ArrayNode nc = fo.putArray("not_covered");
        f.notCovered().forEach(nc::add);
      }
      cov.put("covered_lines", c.covered()).put("total_lines", c.total()).put("percent", round(c.percent()));
      if (threshold > 0) {
        cov.put("threshold", threshold).put("below_threshold", report.belowThreshold(threshold));
      }
    }
    try {
      return m.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void failure(ObjectNode o, DefinitionReport f) {
    o.put("definition", f.location()).put("location", f.failedAt()).put("expression", f.failedExpression());
    if (!f.causes().isEmpty()) {
      ArrayNode cs = o.putArray("causes");
      f.causes().forEach(c -> failure(cs.addObject(), c));
    }
  }

  private static double round(double p) {
    return Math.round(p * 100) / 100.0;
  }
}
