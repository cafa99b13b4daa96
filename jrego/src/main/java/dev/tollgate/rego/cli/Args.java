package dev.tollgate.rego.cli;

import dev.tollgate.rego.RegoSyntax;
import java.io.PrintStream;
import java.util.List;

/** Small helpers shared by the subcommands' option parsing. */
final class Args {
  private Args() {}

  /** A usage error: printed with the command's usage, exit code 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static String value(List<String> args, int i, String option) throws UsageException {
    if (i >= args.size()) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(i);
  }

  static RegoSyntax syntax(String s) throws UsageException {
    return switch (s) {
      case "v1" -> RegoSyntax.V1;
      case "v0" -> RegoSyntax.V0;
      default -> throw new UsageException("--syntax must be v1 or v0, not " + s);
    };
  }

  /** A positional argument; one that starts with {@code -} is an option the command lacks. */
  static String operand(String a) throws UsageException {
    if (a.startsWith("-")) {
      throw new UsageException("unknown option " + a);
    }
    return a;
  }

  /** Reports a usage error of {@code jrego COMMAND} with its usage line; returns exit code 2. */
  static int usageError(PrintStream err, String command, String usage, UsageException e) {
    err.println("jrego " + command + ": " + e.getMessage());
    err.println(usage);
    return 2;
  }
}
