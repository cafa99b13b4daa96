package dev.tollgate.rego.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.PreparedQuery;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoException;
import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.builtins.BuiltinRegistry;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs OPA's conformance cases (YAML or JSON files with a top-level {@code cases} list) found
 * anywhere under a directory, comparing results the way OPA's own runner does.
 */
public final class ConformanceRunner {
  /** Fixed clock for cases that read {@code time.now_ns}. */
  static final long FIXED_NOW_NS = 1_700_000_000_000_000_000L;

  public enum Status {
    PASSED,
    FAILED,
    SKIPPED
  }

  /**
   * The outcome of one case.
   *
   * @param folder the case file's directory relative to the root that was run
   * @param detail why it failed (expected vs actual) or was skipped
   */
  public record CaseResult(String folder, String file, String note, Status status, String detail) {}

  /** Counts for one folder. */
  public record FolderCount(String folder, int passed, int failed, int skipped) {}

  private final RegoSyntax syntax;
  private final BuiltinRegistry builtins;
  private final Set<String> skipNotes;
  private final Pattern filter;
  private final boolean runSkipListed;
  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  public ConformanceRunner(RegoSyntax syntax, Set<String> skipNotes, Pattern filter) {
    this(syntax, skipNotes, filter, BuiltinRegistry.standard());
  }

  /** Runs with a given built-in table (e.g. the standard one plus host functions). */
  public ConformanceRunner(RegoSyntax syntax, Set<String> skipNotes, Pattern filter, BuiltinRegistry builtins) {
    this.builtins = builtins;
    this.syntax = syntax;
    this.skipNotes = Set.copyOf(skipNotes);
    this.filter = filter;
    this.runSkipListed = false;
  }

  private ConformanceRunner(ConformanceRunner from, boolean runSkipListed) {
    this.builtins = from.builtins;
    this.syntax = from.syntax;
    this.skipNotes = from.skipNotes;
    this.filter = from.filter;
    this.runSkipListed = runSkipListed;
  }

  /**
   * A runner that runs the skip-listed cases too and reports their real status, so a caller can
   * notice a skip that is no longer needed (see {@link #staleSkips}).
   */
  public ConformanceRunner runningSkipListed() {
    return new ConformanceRunner(this, true);
  }

  /**
   * The skip-list notes that are stale in {@code results} (from {@link #runningSkipListed}): notes
   * that match no case, or whose every case passes. Each comes with the reason.
   */
  public static List<String> staleSkips(List<CaseResult> results, Set<String> skipNotes) {
    List<String> out = new ArrayList<>();
    for (String note : new java.util.TreeSet<>(skipNotes)) {
      List<CaseResult> cases = results.stream().filter(r -> r.note().equals(note)).toList();
      if (cases.isEmpty()) {
        out.add(note + ": matches no case");
      } else if (cases.stream().noneMatch(r -> r.status() == Status.FAILED)) {
        out.add(note + ": every case with this note passes; remove it from the skip list");
      }
    }
    return out;
  }

  /** {@code results} with the skip-listed cases reported as skipped (for tables and counts). */
  public static List<CaseResult> markSkipListed(List<CaseResult> results, Set<String> skipNotes) {
    return results.stream()
        .map(r -> skipNotes.contains(r.note()) && r.status() != Status.SKIPPED
            ? new CaseResult(r.folder(), r.file(), r.note(), Status.SKIPPED, "listed in skip list")
            : r)
        .toList();
  }

  /** Runs every case file under {@code root}. */
  public List<CaseResult> run(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(Files::isRegularFile)
          .filter(p -> {
            String n = p.getFileName().toString();
            return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
          })
          .sorted()
          .toList();
    }
    List<CaseResult> out = new ArrayList<>();
    for (Path f : files) {
      Path parent = root.relativize(f).getParent();
      String folder = parent == null ? "." : parent.toString();
      JsonNode doc;
      try {
        doc = yaml.readTree(f.toFile());
      } catch (IOException e) {
        out.add(new CaseResult(folder, f.toString(), f.getFileName().toString(), Status.FAILED,
            "cannot read case file: " + e.getMessage()));
        continue;
      }
      if (doc == null || !doc.has("cases")) {
        continue;
      }
      for (JsonNode c : doc.get("cases")) {
        String note = c.path("note").asText(f.getFileName().toString());
        if (filter != null && !filter.matcher(note).find()) {
          continue;
        }
        if (skipNotes.contains(note) && !runSkipListed) {
          out.add(new CaseResult(folder, f.toString(), note, Status.SKIPPED, "listed in skip list"));
          continue;
        }
        if (c.has("skip") && !c.get("skip").isNull() && !(c.get("skip").isBoolean() && !c.get("skip").booleanValue())) {
          out.add(new CaseResult(folder, f.toString(), note, Status.SKIPPED, "skipped upstream"));
          continue;
        }
        out.add(runCase(folder, f.toString(), note, c));
      }
    }
    return out;
  }

  private CaseResult runCase(String folder, String file, String note, JsonNode c) {
    String wantCode = c.hasNonNull("want_error_code") ? c.get("want_error_code").asText() : null;
    String wantError = c.hasNonNull("want_error") ? c.get("want_error").asText() : null;
    boolean wantsError = wantCode != null || wantError != null;
    if (!wantsError && !c.has("want_result")) {
      // a case that states no expectation would pass whatever the engine did
      return fail(folder, file, note, "refused: the case has neither want_result nor want_error / want_error_code");
    }
    List<Map<String, Value>> actual;
    try {
      Rego.Builder b = Rego.compiler().syntax(syntax).builtins(builtins);
      int i = 0;
      for (JsonNode m : c.path("modules")) {
        b.module("module-" + (i++) + ".rego", m.asText());
      }
      if (c.has("data") && c.get("data").isObject()) {
        b.data(Json.fromJackson(c.get("data")));
      }
      CompiledPolicy policy = b.compile();
      Value input = null;
      if (c.has("input_term")) {
        input = Rego.parseTerm(c.get("input_term").asText());
      } else if (c.has("input")) {
        input = Json.fromJackson(c.get("input"));
      }
      PreparedQuery q = policy.prepare(c.path("query").asText());
      EvalOptions opts = EvalOptions.DEFAULT.withInput(input)
          .withStrictBuiltinErrors(c.path("strict_error").asBoolean(false))
          .withNowNanos(FIXED_NOW_NS);
      actual = q.eval(opts);
    } catch (RegoException e) {
      if (!wantsError) {
        return fail(folder, file, note, "unexpected error: " + e.getMessage());
      }
      boolean codeOk = wantCode == null || e.errors().stream().anyMatch(x -> x.code().equals(wantCode));
      boolean msgOk = wantError == null || e.getMessage().contains(wantError);
      if (codeOk && msgOk) {
        return new CaseResult(folder, file, note, Status.PASSED, "");
      }
      return fail(folder, file, note, "want error " + wantCode + " \"" + (wantError == null ? "" : wantError)
          + "\"\n      got " + e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      return fail(folder, file, note, "crash: " + e);
    }
    if (wantsError) {
      return fail(folder, file, note, "want error " + wantCode + " \"" + (wantError == null ? "" : wantError)
          + "\"\n      got result " + render(actual));
    }
    boolean sort = c.path("sort_bindings").asBoolean(false);
    List<Value> want = new ArrayList<>();
    for (JsonNode row : c.get("want_result")) {
      want.add(normalize(Json.fromJackson(row), sort));
    }
    List<Value> got = new ArrayList<>();
    for (Map<String, Value> row : actual) {
      LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
      row.forEach((k, v) -> m.put(Value.of(k), v));
      got.add(normalize(Json.fromJackson(Json.toJackson(ObjectValue.of(m))), sort));
    }
    if (sameMultiset(want, got)) {
      return new CaseResult(folder, file, note, Status.PASSED, "");
    }
    return fail(folder, file, note, "want " + render2(want) + "\n      got  " + render2(got));
  }

  private static CaseResult fail(String folder, String file, String note, String detail) {
    return new CaseResult(folder, file, note, Status.FAILED, detail);
  }

  private static String render(List<Map<String, Value>> rows) {
    List<Value> out = new ArrayList<>();
    for (Map<String, Value> row : rows) {
      LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
      row.forEach((k, v) -> m.put(Value.of(k), v));
      out.add(ObjectValue.of(m));
    }
    return render2(out);
  }

  private static String render2(List<Value> rows) {
    return ArrayValue.of(rows).toJson();
  }

  private static boolean sameMultiset(List<Value> a, List<Value> b) {
    if (a.size() != b.size()) {
      return false;
    }
    List<Value> rest = new ArrayList<>(b);
    for (Value v : a) {
      if (!rest.remove(v)) {
        return false;
      }
    }
    return true;
  }

  /** With {@code sort_bindings}, arrays stand for unordered collections. */
  private static Value normalize(Value v, boolean sort) {
    if (!sort) {
      return v;
    }
    return switch (v) {
      case ArrayValue a -> {
        Value[] items = new Value[a.size()];
        for (int i = 0; i < items.length; i++) {
          items[i] = normalize(a.get(i), true);
        }
        Arrays.sort(items);
        yield ArrayValue.wrap(items);
      }
      case ObjectValue o -> {
        LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
        o.asMap().forEach((k, x) -> m.put(k, normalize(x, true)));
        yield ObjectValue.of(m);
      }
      default -> v;
    };
  }

  /** Counts per folder, in folder order. */
  public static List<FolderCount> countByFolder(List<CaseResult> results) {
    Map<String, int[]> m = new TreeMap<>();
    for (CaseResult r : results) {
      int[] c = m.computeIfAbsent(r.folder(), k -> new int[3]);
      c[r.status().ordinal()]++;
    }
    List<FolderCount> out = new ArrayList<>();
    m.forEach((k, c) -> out.add(new FolderCount(k, c[0], c[1], c[2])));
    return out;
  }

  /** Prints the per-folder table and the summary line. */
  public static void printTable(List<CaseResult> results, PrintStream out) {
    List<FolderCount> counts = countByFolder(results);
    int width = 6;
    for (FolderCount f : counts) {
      width = Math.max(width, f.folder().length());
    }
    out.printf("%-" + width + "s %7s %7s %7s%n", "folder", "passed", "failed", "skipped");
    int p = 0;
    int fl = 0;
    int s = 0;
    for (FolderCount f : counts) {
      out.printf("%-" + width + "s %7d %7d %7d%n", f.folder(), f.passed(), f.failed(), f.skipped());
      p += f.passed();
      fl += f.failed();
      s += f.skipped();
    }
    out.println("conformance: " + p + " passed, " + fl + " failed, " + s + " skipped");
  }

  /** Reads a skip list: one case note per line, then {@code #} and the reason. */
  public static Set<String> readSkipList(Path file) throws IOException {
    return readSkipList(file, null);
  }

  /**
   * Reads a skip list where a line may start with {@code [SET]} (e.g. {@code [v0]}) to apply only
   * when running that case set; unprefixed lines apply to every set.
   */
  public static Set<String> readSkipList(Path file, String set) throws IOException {
    java.util.HashSet<String> out = new java.util.HashSet<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (l.startsWith("[")) {
        int close = l.indexOf(']');
        if (close < 0) {
          continue;
        }
        String only = l.substring(1, close);
        if (set != null && !only.equals(set)) {
          continue;
        }
        l = l.substring(close + 1).strip();
      }
      int hash = l.indexOf(" #");
      out.add(hash >= 0 ? l.substring(0, hash).strip() : l);
    }
    return out;
  }
}
