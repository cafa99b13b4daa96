package dev.tollgate.rego.cli;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.cli.Args.UsageException;
import dev.tollgate.rego.testing.PolicyFiles;
import dev.tollgate.rego.testing.TestOutput;
import dev.tollgate.rego.testing.TestReport;
import dev.tollgate.rego.testing.TestRunner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code jrego test}: runs the {@code test_} rules of modules, like {@code opa test}. */
final class TestCommand {
  static final String USAGE = "usage: jrego test [--run REGEX] [--verbose] [--coverage] [--threshold PERCENT]"
      + " [--format text|json] [--syntax v1|v0] [--schema FILE|DIR] PATH...";

  private TestCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    TestRunner.Options opts = TestRunner.Options.DEFAULT;
    boolean verbose = false;
    boolean json = false;
    double threshold = 0;
    List<Path> paths = new ArrayList<>();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--run", "-r" -> {
            String re = Args.value(args, ++i, a);
            try {
              opts = opts.withRun(Pattern.compile(re));
            } catch (PatternSyntaxException e) {
              throw new UsageException("--run: invalid regular expression: " + e.getDescription());
            }
          }
          case "--verbose", "-v" -> verbose = true;
          case "--coverage", "-c" -> opts = opts.withCoverage(true);
          case "--threshold" -> {
            String t = Args.value(args, ++i, a);
            try {
              threshold = Double.parseDouble(t);
            } catch (NumberFormatException e) {
              throw new UsageException("--threshold must be a number (percent), not " + t);
            }
            if (threshold < 0 || threshold > 100) {
              throw new UsageException("--threshold must be between 0 and 100, not " + t);
            }
            opts = opts.withCoverage(true);
          }
          case "--format", "-f" -> {
            String f = Args.value(args, ++i, a);
            json = switch (f) {
              case "json" -> true;
              case "text", "pretty" -> false;
              default -> throw new UsageException("--format must be text or json, not " + f);
            };
          }
          case "--syntax" -> opts = opts.withSyntax(Args.syntax(Args.value(args, ++i, a)));
          case "--schema", "-s" -> {
            String schemaPath = Args.value(args, ++i, a);
            try {
              opts = opts.withSchemas(dev.tollgate.rego.Schemas.load(Path.of(schemaPath)));
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
              throw new UsageException("--schema: " + e.getMessage());
            }
          }
          case "--v0-compatible" -> opts = opts.withSyntax(RegoSyntax.V0);
          default -> paths.add(Path.of(Args.operand(a)));
        }
      }
      if (paths.isEmpty()) {
        throw new UsageException("no path given");
      }
    } catch (UsageException e) {
      return Args.usageError(err, "test", USAGE, e);
    }
    TestReport report;
    try {
      report = TestRunner.run(paths, opts);
    } catch (PolicyFiles.LoadException e) {
      err.println("jrego test: " + e.getMessage());
      return 2;
    }
    if (json) {
      out.println(TestOutput.json(report, threshold));
    } else {
      TestOutput.text(report, verbose, threshold, out);
    }
    return report.exitCode(threshold);
  }
}
