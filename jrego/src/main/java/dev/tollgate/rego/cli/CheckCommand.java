package dev.tollgate.rego.cli;

import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.Schemas;
import dev.tollgate.rego.cli.Args.UsageException;
import dev.tollgate.rego.testing.Checker;
import dev.tollgate.rego.testing.PolicyFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code jrego check}: parses and compiles modules, printing every error with its location. */
final class CheckCommand {
  static final String USAGE = "usage: jrego check [--syntax v1|v0] [--schema FILE|DIR] PATH...";

  private CheckCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    RegoSyntax syntax = RegoSyntax.V1;
    Path schemaPath = null;
    List<Path> paths = new ArrayList<>();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--syntax" -> syntax = Args.syntax(Args.value(args, ++i, a));
          case "--v0-compatible" -> syntax = RegoSyntax.V0;
          case "--schema", "-s" -> schemaPath = Path.of(Args.value(args, ++i, a));
          default -> paths.add(Path.of(Args.operand(a)));
        }
      }
      if (paths.isEmpty()) {
        throw new UsageException("no path given");
      }
    } catch (UsageException e) {
      return Args.usageError(err, "check", USAGE, e);
    }
    Schemas schemas = Schemas.NONE;
    if (schemaPath != null) {
      try {
        schemas = Schemas.load(schemaPath);
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        err.println("jrego check: --schema: " + e.getMessage());
        return 2;
      }
    }
    List<RegoError> errors;
    try {
      errors = Checker.check(paths, syntax, schemas);
    } catch (PolicyFiles.LoadException e) {
      err.println("jrego check: " + e.getMessage());
      return 2;
    }
    if (errors.isEmpty()) {
      return 0;
    }
    out.println(errors.size() == 1 ? "1 error occurred:" : errors.size() + " errors occurred:");
    for (RegoError e : errors) {
      out.println(e);
    }
    return 1;
  }
}
