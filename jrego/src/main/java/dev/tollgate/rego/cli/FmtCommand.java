package dev.tollgate.rego.cli;

import dev.tollgate.rego.cli.Args.UsageException;
import dev.tollgate.rego.testing.Formatting;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code jrego fmt}: canonical formatting of Rego files, as {@code opa fmt}. */
final class FmtCommand {
  static final String USAGE = "usage: jrego fmt [--check | --diff] [--v0-compatible] PATH...";

  private FmtCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    Formatting.Mode mode = Formatting.Mode.WRITE;
    boolean v0 = false;
    List<Path> paths = new ArrayList<>();
    try {
      for (String a : args) {
        switch (a) {
          case "--check", "-l" -> mode = Formatting.Mode.CHECK;
          case "--diff", "-d" -> mode = Formatting.Mode.DIFF;
          case "--v0-compatible" -> v0 = true;
          default -> paths.add(Path.of(Args.operand(a)));
        }
      }
      if (paths.isEmpty()) {
        throw new UsageException("no path given");
      }
    } catch (UsageException e) {
      return Args.usageError(err, "fmt", USAGE, e);
    }
    java.io.PrintWriter o = new java.io.PrintWriter(out, true);
    java.io.PrintWriter e = new java.io.PrintWriter(err, true);
    int exit = Formatting.run("jrego fmt", paths, mode, v0, o, e);
    o.flush();
    e.flush();
    return exit;
  }
}
