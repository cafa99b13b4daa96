package dev.tollgate.rego.cli;

import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.testing.ConformanceRunner;
import dev.tollgate.rego.testing.ConformanceRunner.CaseResult;
import dev.tollgate.rego.testing.ConformanceRunner.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Command line: {@code jrego conformance|test|check|eval ...}; {@code conformance [--syntax v1|v0]
 * [--verbose] [--filter REGEX] DIR...} runs OPA's conformance cases.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length > 0) {
      List<String> rest = List.of(args).subList(1, args.length);
      switch (args[0]) {
        case "test" -> {
          return TestCommand.run(rest, System.out, System.err);
        }
        case "check" -> {
          return CheckCommand.run(rest, System.out, System.err);
        }
        case "eval" -> {
          return EvalCommand.run(rest, System.out, System.err);
        }
        case "fmt" -> {
          return FmtCommand.run(rest, System.out, System.err);
        }
        default -> {}
      }
    }
    if (args.length == 0 || !args[0].equals("conformance")) {
      System.err.println("usage: jrego conformance [--syntax v1|v0] [--verbose] [--filter REGEX] [--skip FILE] DIR...");
      System.err.println("       " + TestCommand.USAGE.substring("usage: ".length()));
      System.err.println("       " + CheckCommand.USAGE.substring("usage: ".length()));
      System.err.println("       " + EvalCommand.USAGE.substring("usage: ".length()));
      System.err.println("       " + FmtCommand.USAGE.substring("usage: ".length()));
      return 2;
    }
    RegoSyntax syntax = RegoSyntax.V1;
    Set<String> skip;
    boolean verbose = false;
    Pattern filter = null;
    Path skipFile = null;
    List<Path> dirs = new ArrayList<>();
    try {
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--syntax" -> {
            String s = need(args, ++i, "--syntax");
            syntax = switch (s) {
              case "v1" -> RegoSyntax.V1;
              case "v0" -> RegoSyntax.V0;
              default -> throw new IllegalArgumentException("--syntax must be v1 or v0, not " + s);
            };
          }
          case "--verbose", "-v" -> verbose = true;
          case "--filter" -> filter = Pattern.compile(need(args, ++i, "--filter"));
          case "--skip" -> skipFile = Path.of(need(args, ++i, "--skip"));
          default -> {
            if (args[i].startsWith("-")) {
              throw new IllegalArgumentException("unknown option " + args[i]);
            }
            Path d = Path.of(args[i]);
            if (!Files.isDirectory(d)) {
              throw new IllegalArgumentException("not a directory: " + d);
            }
            dirs.add(d);
          }
        }
      }
      skip = skipFile == null ? Set.of()
          : ConformanceRunner.readSkipList(skipFile, syntax == RegoSyntax.V1 ? "v1" : "v0");
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("jrego: " + e.getMessage());
      return 2;
    }
    if (dirs.isEmpty()) {
      System.err.println("jrego: no case directory given");
      return 2;
    }
    ConformanceRunner runner = new ConformanceRunner(syntax, skip, filter);
    List<CaseResult> all = new ArrayList<>();
    for (Path d : dirs) {
      try {
        all.addAll(runner.run(d));
      } catch (IOException e) {
        System.err.println("jrego: cannot read " + d + ": " + e.getMessage());
        return 2;
      }
    }
    if (verbose) {
      for (CaseResult r : all) {
        if (r.status() == Status.FAILED) {
          System.out.println("FAIL " + r.note() + " (" + r.file() + ")\n      " + r.detail());
        }
      }
    }
    ConformanceRunner.printTable(all, System.out);
    return all.stream().anyMatch(r -> r.status() == Status.FAILED) ? 1 : 0;
  }

  private static String need(String[] args, int i, String opt) {
    if (i >= args.length) {
      throw new IllegalArgumentException(opt + " needs a value");
    }
    return args[i];
  }
}
