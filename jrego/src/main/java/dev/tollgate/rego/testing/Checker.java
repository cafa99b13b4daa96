package dev.tollgate.rego.testing;

import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoCompileException;
import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoSyntax;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles modules and reports every error it can find, each with its location. The compiler stops
 * at parse errors, so when some modules do not parse the others are compiled on their own as well,
 * to report their compile errors in the same run; errors that only say a function is undefined are
 * left out then, because the function may live in a module that did not parse.
 */
public final class Checker {
  private Checker() {}

  /**
   * Loads and checks the modules below {@code paths}.
   *
   * @throws PolicyFiles.LoadException when a file cannot be read or its data is invalid
   */
  public static List<RegoError> check(List<Path> paths, RegoSyntax syntax) throws PolicyFiles.LoadException {
    return check(PolicyFiles.load(paths).modules(), syntax);
  }

  /** Every parse and compile error of {@code modules} (file name to text), ordered by location. */
  public static List<RegoError> check(Map<String, String> modules, RegoSyntax syntax) {
    List<RegoError> errors = compile(modules, syntax);
    Set<String> unparsed = new HashSet<>();
    for (RegoError e : errors) {
      if (e.code().equals("rego_parse_error")) {
        unparsed.add(SourceText.Location.parse(e.location()).file());
      }
    }
    Set<RegoError> all = new LinkedHashSet<>(errors);
    if (!unparsed.isEmpty()) {
      Map<String, String> parsed = new LinkedHashMap<>(modules);
      parsed.keySet().removeAll(unparsed);
      for (RegoError e : compile(parsed, syntax)) {
        if (!e.message().startsWith("undefined function")) {
          all.add(e);
        }
      }
    }
    List<RegoError> out = new ArrayList<>(all);
    out.sort(Comparator.comparing((RegoError e) -> SourceText.Location.parse(e.location()).file())
        .thenComparingInt(e -> SourceText.Location.parse(e.location()).line())
        .thenComparingInt(e -> SourceText.Location.parse(e.location()).col()));
    return out;
  }

  private static List<RegoError> compile(Map<String, String> modules, RegoSyntax syntax) {
    Rego.Builder b = Rego.compiler().syntax(syntax);
    modules.forEach(b::module);
    try {
      b.compile();
      return List.of();
    } catch (RegoCompileException e) {
      return e.errors();
    }
  }
}
