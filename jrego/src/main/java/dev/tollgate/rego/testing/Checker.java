package dev.tollgate.rego.testing;

import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoCompileException;
import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.Schemas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles modules and reports every error it can find, each with its location.
 *
 * <p>The parser stops at a module's first syntax error and the compiler only runs once every module
 * parses. To report more in one run, a statement with a syntax error is blanked out (its lines kept
 * empty, so later locations stay right) and the module parsed again, until it parses; then all
 * modules are compiled together. Statements are told apart by their first line starting in column
 * one with a name ({@code package}, {@code import}, {@code default}, a rule). While any module had
 * a syntax error, "undefined function" errors are left out: the function may be in a blanked
 * statement.
 */
public final class Checker {
  private static final int MAX_SYNTAX_ERRORS_PER_MODULE = 20;

  private Checker() {}

  /**
   * Loads and checks the modules below {@code paths}.
   *
   * @throws PolicyFiles.LoadException when a file cannot be read or its data is invalid
   */
  public static List<RegoError> check(List<Path> paths, RegoSyntax syntax) throws PolicyFiles.LoadException {
    return check(PolicyFiles.load(paths).modules(), syntax);
  }

  /** As {@link #check(List, RegoSyntax)}, type checking against {@code schemas}. */
  public static List<RegoError> check(List<Path> paths, RegoSyntax syntax, Schemas schemas)
      throws PolicyFiles.LoadException {
    return check(PolicyFiles.load(paths).modules(), syntax, schemas);
  }

  /** Every parse and compile error of {@code modules} (file name to text), ordered by location. */
  public static List<RegoError> check(Map<String, String> modules, RegoSyntax syntax) {
    return check(modules, syntax, Schemas.NONE);
  }

  /** As {@link #check(Map, RegoSyntax)}, type checking against {@code schemas}. */
  public static List<RegoError> check(Map<String, String> modules, RegoSyntax syntax, Schemas schemas) {
    Set<RegoError> all = new LinkedHashSet<>();
    Map<String, String> repaired = new LinkedHashMap<>();
    boolean syntaxErrors = false;
    for (Map.Entry<String, String> m : modules.entrySet()) {
      String text = m.getValue();
      for (int i = 0; text != null; i++) {
        List<RegoError> errs = parseErrors(m.getKey(), text, syntax);
        if (errs.isEmpty()) {
          break;
        }
        syntaxErrors = true;
        all.addAll(errs);
        text = i + 1 < MAX_SYNTAX_ERRORS_PER_MODULE
            ? blankStatement(text, SourceText.Location.parse(errs.get(0).location()).line()) : null;
      }
      if (text != null) {
        repaired.put(m.getKey(), text);
      }
    }
    for (RegoError e : compile(repaired, syntax, schemas)) {
      if (!(syntaxErrors && e.message().startsWith("undefined function"))) {
        all.add(e);
      }
    }
    List<RegoError> out = new ArrayList<>(all);
    out.sort(Comparator.comparing((RegoError e) -> SourceText.Location.parse(e.location()).file())
        .thenComparingInt(e -> SourceText.Location.parse(e.location()).line())
        .thenComparingInt(e -> SourceText.Location.parse(e.location()).col()));
    return out;
  }

  private static List<RegoError> parseErrors(String name, String text, RegoSyntax syntax) {
    List<RegoError> out = new ArrayList<>();
    for (RegoError e : compile(Map.of(name, text), syntax, Schemas.NONE)) {
      if (e.code().equals("rego_parse_error")) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<RegoError> compile(Map<String, String> modules, RegoSyntax syntax, Schemas schemas) {
    Rego.Builder b = Rego.compiler().syntax(syntax).schemas(schemas);
    modules.forEach(b::module);
    try {
      b.compile();
      return List.of();
    } catch (RegoCompileException e) {
      return e.errors();
    }
  }

  /**
   * The text with the statement around {@code line} replaced by empty lines, or null when that
   * statement cannot be told apart (no line, or the package clause).
   */
  static String blankStatement(String text, int line) {
    String[] lines = text.split("\n", -1);
    if (line <= 0 || line > lines.length + 1) {
      return null;
    }
    int at = Math.min(line, lines.length) - 1;
    int start = at;
    while (start > 0 && !startsStatement(lines[start])) {
      start--;
    }
    if (!startsStatement(lines[start]) || lines[start].startsWith("package")) {
      return null;
    }
    int end = at + 1;
    while (end < lines.length && !startsStatement(lines[end])) {
      end++;
    }
    for (int i = start; i < end; i++) {
      lines[i] = "";
    }
    return String.join("\n", lines);
  }

  private static boolean startsStatement(String l) {
    return !l.isEmpty() && (Character.isLetter(l.charAt(0)) || l.charAt(0) == '_');
  }
}
