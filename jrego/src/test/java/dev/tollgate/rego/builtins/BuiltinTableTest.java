package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/builtins.md lists exactly the built-ins the engine has, and none it lacks as present. */
class BuiltinTableTest {
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| (full|partial|missing) \\|.*$");
  /** Implemented inside the evaluator, not in the registry: they need parser or evaluation state. */
  private static final Set<String> ENGINE = Set.of("print", "rego.parse_module", "rego.metadata.chain",
      "rego.metadata.rule");

  @Test
  void tableMatchesTheRegistry() throws Exception {
    TreeMap<String, String> table = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("docs/builtins.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        assertEquals(null, table.put(m.group(1), m.group(2)), "listed twice: " + m.group(1));
      }
    }
    TreeSet<String> implemented = new TreeSet<>(ENGINE);
    BuiltinRegistry.standard().all().forEach(b -> implemented.add(b.name()));
    TreeSet<String> listedPresent = new TreeSet<>();
    table.forEach((name, status) -> {
      if (!status.equals("missing")) {
        listedPresent.add(name);
      }
    });
    assertEquals(implemented, listedPresent, "docs/builtins.md and the registry disagree");
    table.forEach((name, status) -> {
      if (status.equals("missing")) {
        assertTrue(BuiltinRegistry.standard().get(name) == null, name + " is registered but listed as missing");
      }
    });
  }
}
