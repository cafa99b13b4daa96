package dev.tollgate.rego.testing;

import dev.tollgate.rego.RegoCompileException;
import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoFormatter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code fmt} command of jrego and Tollgate: formats {@code *.rego} files with {@link
 * RegoFormatter}, rewriting them (default), listing the ones that would change ({@code --check}),
 * or printing a unified diff ({@code --diff}).
 */
public final class Formatting {
  /** What {@code fmt} does with a file whose formatting differs. */
  public enum Mode {
    WRITE,
    CHECK,
    DIFF
  }

  private Formatting() {}

  /**
   * Formats the Rego files below {@code paths}.
   *
   * @return 0 when every file was already formatted (or was rewritten, in WRITE mode), 1 when
   *     CHECK or DIFF found a file that would change, 2 on a parse error or an unreadable path
   */
  public static int run(String prog, List<Path> paths, Mode mode, boolean v0, PrintWriter out, PrintWriter err) {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        err.println(prog + ": no such file or folder: " + p);
        return 2;
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          s.filter(f -> f.toString().endsWith(".rego") && Files.isRegularFile(f)).sorted().forEach(files::add);
        } catch (IOException e) {
          err.println(prog + ": cannot read " + p + ": " + e.getMessage());
          return 2;
        }
      } else {
        files.add(p);
      }
    }
    int exit = 0;
    for (Path f : files) {
      String text;
      String formatted;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
        formatted = RegoFormatter.format(f.toString(), text, v0);
      } catch (IOException e) {
        err.println(prog + ": cannot read " + f + ": " + e.getMessage());
        exit = 2;
        continue;
      } catch (RegoCompileException e) {
        for (RegoError re : e.errors()) {
          err.println(re);
        }
        exit = 2;
        continue;
      }
      if (formatted.equals(text)) {
        continue;
      }
      switch (mode) {
        case CHECK -> {
          out.println(f);
          exit = Math.max(exit, 1);
        }
        case DIFF -> {
          out.print(LineDiff.unified(f.toString(), text, formatted));
          exit = Math.max(exit, 1);
        }
        case WRITE -> {
          try {
            Path tmp = Files.createTempFile(f.toAbsolutePath().getParent(), ".fmt-", ".tmp");
            Files.writeString(tmp, formatted, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.println(f);
          } catch (IOException e) {
            err.println(prog + ": cannot write " + f + ": " + e.getMessage());
            exit = 2;
          }
        }
      }
    }
    return exit;
  }
}
