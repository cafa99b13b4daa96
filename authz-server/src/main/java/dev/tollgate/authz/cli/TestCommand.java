package dev.tollgate.authz.cli;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.testing.CoverageReport;
import dev.tollgate.rego.testing.PolicyFiles;
import dev.tollgate.rego.testing.TestOutput;
import dev.tollgate.rego.testing.TestReport;
import dev.tollgate.rego.testing.TestResult;
import dev.tollgate.rego.testing.TestRunner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate test}: runs Rego unit tests ({@code test_} rules) like {@code opa test}. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {
            "Runs the test_ rules of Rego modules, like 'opa test'.",
            "Without --policies, every PATH (file or folder) is loaded together.",
            "With --policies DIR, each PATH is a test folder with one subfolder per tenant (or 'shared'):",
            "the tests in PATH/<tenant> run against DIR/<tenant> plus DIR/shared, each tenant on its own,",
            "as the server compiles it; PATH subfolders that match no policy folder (fixtures) are loaded",
            "with every tenant."},
        footer = {"", "Exit status: 0 all passed, 1 a test failed or errored or coverage is below --threshold,"
                + " 2 the modules did not compile or a path could not be read."})
final class TestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Rego files or folders (data.json/data.yaml files are placed at their folder's path).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--policies", paramLabel = "DIR", description = "Policy folder to test tenant by tenant (see above).")
    Path policies;

    @Option(names = {"-r", "--run"}, paramLabel = "REGEX", description = "Only run tests whose full name (data.pkg.test_x) matches.")
    String run;

    @Option(names = {"-v", "--verbose"}, description = "Print every test, its print() output, and the expressions that failed.")
    boolean verbose;

    @Option(names = {"-c", "--coverage"}, description = "Report per-file line coverage of the non-test modules.")
    boolean coverage;

    @Option(names = "--threshold", paramLabel = "PERCENT", description = "Fail when coverage is below PERCENT (implies --coverage).")
    double threshold;

    @Option(names = "--format", paramLabel = "text|json", description = "Output format (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    String format;

    @Option(names = "--v0-compatible", description = "Parse modules as Rego v0 (pre-1.0 syntax).")
    boolean v0;

    @Option(names = {"-s", "--schema"}, paramLabel = "auto|tollgate|none|PATH", defaultValue = "auto",
            description = SchemaOption.DESCRIPTION)
    String schema;

    @Override
    public Integer call() {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8);
        java.io.PrintWriter err = spec.commandLine().getErr();
        try {
            return execute(out, err);
        } finally {
            spec.commandLine().getOut().print(buffer.toString(java.nio.charset.StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
            err.flush();
        }
    }

    private int execute(PrintStream out, java.io.PrintWriter err) {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json, not " + format);
        }
        if (threshold < 0 || threshold > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threshold must be between 0 and 100");
        }
        TestRunner.Options options = TestRunner.Options.DEFAULT
                .withSyntax(v0 ? RegoSyntax.V0 : RegoSyntax.V1)
                .withCoverage(coverage || threshold > 0);
        if (run != null) {
            try {
                options = options.withRun(Pattern.compile(run));
            } catch (PatternSyntaxException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--run: invalid regular expression: " + e.getDescription());
            }
        }
        for (Path p : paths) {
            if (!Files.exists(p)) {
                err.println("tollgate test: no such file or folder: " + p);
                return 2;
            }
        }
        try {
            if (policies == null) {
                return report(TestRunner.run(paths, options.withSchemas(SchemaOption.forTenant(schema, null, null))), out);
            }
            return perTenant(options, out, err);
        } catch (PolicyFiles.LoadException e) {
            err.println("tollgate test: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("tollgate test: --schema: " + e.getMessage());
            return 2;
        }
    }

    private int report(TestReport report, PrintStream out) {
        return report(report, threshold, out);
    }

    private int report(TestReport report, double minimum, PrintStream out) {
        if (format.equals("json")) {
            out.println(TestOutput.json(report, minimum));
        } else {
            TestOutput.text(report, verbose, minimum, out);
        }
        return report.exitCode(minimum);
    }

    private int perTenant(TestRunner.Options options, PrintStream out, java.io.PrintWriter err) throws PolicyFiles.LoadException {
        if (!Files.isDirectory(policies)) {
            err.println("tollgate test: --policies: not a folder: " + policies);
            return 2;
        }
        PolicyTree tree = new PolicyTree(policies);
        int exit = 0;
        long passed = 0;
        long failed = 0;
        long errored = 0;
        long skipped = 0;
        int suites = 0;
        List<CoverageReport> coverages = new ArrayList<>();
        for (Path testRoot : paths) {
            List<Path> libraries = new ArrayList<>();
            List<String> suiteNames = new ArrayList<>();
            try (Stream<Path> children = Files.list(testRoot)) {
                for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
                    String name = child.getFileName().toString();
                    if (tree.hasTenant(name)) {
                        suiteNames.add(name);
                    } else {
                        libraries.add(child);
                    }
                }
            } catch (java.io.IOException e) {
                err.println("tollgate test: cannot list " + testRoot + ": " + e.getMessage());
                return 2;
            }
            for (String name : suiteNames) {
                List<Path> load = new ArrayList<>(tree.modulePaths(name));
                load.add(testRoot.resolve(name));
                load.addAll(libraries);
                if (format.equals("text")) {
                    out.println("== " + name + " (" + String.join(", ", load.stream().map(Path::toString).toList()) + ")");
                }
                TestReport report = TestRunner.run(load, options.withSchemas(SchemaOption.forTenant(schema, tree, name)));
                if (report.coverage() != null) {
                    coverages.add(report.coverage());
                    if (format.equals("text")) {
                        // Shared modules are covered through every tenant: coverage is shown and judged once, merged.
                        report = new TestReport(report.compileErrors(), report.results(), null);
                    }
                }
                exit = Math.max(exit, report(report, 0, out));
                passed += report.count(TestResult.Status.PASS);
                failed += report.count(TestResult.Status.FAIL);
                errored += report.count(TestResult.Status.ERROR);
                skipped += report.count(TestResult.Status.SKIPPED);
                suites++;
            }
        }
        if (suites == 0) {
            err.println("tollgate test: no test folder matches a policy folder under " + policies);
            return 2;
        }
        if (!coverages.isEmpty()) {
            CoverageReport merged = CoverageReport.merge(coverages);
            if (format.equals("text")) {
                out.println("== coverage of all suites (a line counts when any suite covers it)");
                TestOutput.coverage(merged, verbose, out);
            }
            if (merged.percent() < threshold) {
                out.printf(java.util.Locale.ROOT, "coverage %.2f%% is below the threshold %.2f%%%n", merged.percent(), threshold);
                exit = Math.max(exit, 1);
            }
        }
        if (format.equals("text")) {
            out.println("== all " + suites + " suites");
            StringBuilder line = new StringBuilder().append(passed).append(" passed, ").append(failed).append(" failed");
            if (errored > 0) {
                line.append(", ").append(errored).append(" errored");
            }
            if (skipped > 0) {
                line.append(", ").append(skipped).append(" skipped");
            }
            out.println(line);
        }
        return exit;
    }
}
