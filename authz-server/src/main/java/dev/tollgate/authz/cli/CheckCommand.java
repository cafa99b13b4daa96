package dev.tollgate.authz.cli;

import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.Schemas;
import dev.tollgate.rego.testing.Checker;
import dev.tollgate.rego.testing.PolicyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate check}: compiles policies and reports every error with file:line:col. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {
            "Parses and compiles Rego and reports every error with its file:line:col.",
            "A PATH that is a policy folder (tenant folders plus shared/) is checked tenant by tenant,",
            "each with the shared library, as the server compiles it; other PATHs are compiled together."},
        footer = {"", "Exit status: 0 no errors, 1 errors found, 2 a path could not be read."})
final class CheckCommand extends WriterCommand {
    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Rego files, folders, or policy folders.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--v0-compatible", description = "Parse modules as Rego v0 (pre-1.0 syntax).")
    boolean v0;

    @Option(names = {"-s", "--schema"}, paramLabel = "auto|tollgate|none|PATH", defaultValue = "auto",
            description = SchemaOption.DESCRIPTION)
    String schema;

    @Override
    int execute(java.io.PrintWriter out, java.io.PrintWriter err) {
        RegoSyntax syntax = v0 ? RegoSyntax.V0 : RegoSyntax.V1;
        Set<String> errors = new LinkedHashSet<>();
        List<Path> plain = new ArrayList<>();
        try {
            for (Path p : paths) {
                if (!Files.exists(p)) {
                    err.println("tollgate check: no such file or folder: " + p);
                    return 2;
                }
                if (PolicyTree.looksLikeTree(p)) {
                    PolicyTree tree = new PolicyTree(p);
                    List<String> units = new ArrayList<>(tree.tenants());
                    if (units.isEmpty() || Files.isDirectory(p.resolve(PolicyTree.SHARED))) {
                        units.add(PolicyTree.SHARED);
                    }
                    for (String tenant : units) {
                        if (Files.isDirectory(p.resolve(tenant))) {
                            Schemas schemas = SchemaOption.forTenant(schema, tree, tenant);
                            for (RegoError e : Checker.check(tree.modulePaths(tenant), syntax, schemas)) {
                                errors.add(e.toString());
                            }
                        }
                    }
                } else {
                    plain.add(p);
                }
            }
            if (!plain.isEmpty()) {
                for (RegoError e : Checker.check(plain, syntax, SchemaOption.forTenant(schema, null, null))) {
                    errors.add(e.toString());
                }
            }
        } catch (PolicyFiles.LoadException e) {
            err.println("tollgate check: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            err.println("tollgate check: --schema: " + e.getMessage());
            return 2;
        }
        if (errors.isEmpty()) {
            return 0;
        }
        out.println(errors.size() == 1 ? "1 error occurred:" : errors.size() + " errors occurred:");
        errors.forEach(out::println);
        return 1;
    }
}
