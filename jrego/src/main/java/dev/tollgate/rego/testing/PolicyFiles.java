package dev.tollgate.rego.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rego modules and base data loaded from files and directories the way {@code opa test} and bundle
 * loading do: every {@code *.rego} file below a given path is a module; a {@code data.json},
 * {@code data.yaml} or {@code data.yml} file goes under {@code data} at its directory's path relative
 * to the given path ({@code DIR/a/b/data.json} becomes {@code data.a.b}). A JSON or YAML file
 * given directly (any name) is loaded at {@code data}.
 *
 * @param modules module file name (the path as found) to source text, in load order
 * @param data the merged base document
 */
public record PolicyFiles(Map<String, String> modules, ObjectValue data) {
  public PolicyFiles {
    modules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modules));
  }

  /** A file could not be read or its data does not parse or merge. */
  public static final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;

    LoadException(String message) {
      super(message);
    }
  }

  private static final List<String> DATA_FILES = List.of("data.json", "data.yaml", "data.yml");

  /**
   * Loads every module and data file below {@code paths} (files or directories, recursively).
   *
   * @throws LoadException naming the file that could not be read, parsed or merged
   */
  public static PolicyFiles load(List<Path> paths) throws LoadException {
    Map<String, String> modules = new LinkedHashMap<>();
    Value data = ObjectValue.EMPTY;
    java.util.Set<Path> seen = new java.util.HashSet<>();
    for (Path root : paths) {
      if (!Files.exists(root)) {
        throw new LoadException(root + ": no such file or directory");
      }
      List<Path> files = new ArrayList<>();
      if (Files.isDirectory(root)) {
        try (Stream<Path> s = Files.walk(root)) {
          s.filter(Files::isRegularFile).sorted().forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
          throw new LoadException(root + ": cannot list: " + e.getMessage());
        }
      } else {
        files.add(root);
      }
      for (Path f : files) {
        if (!seen.add(f.toAbsolutePath().normalize())) {
          continue;
        }
        String name = f.getFileName().toString();
        if (name.endsWith(".rego")) {
          modules.put(f.toString(), read(f));
        } else if (DATA_FILES.contains(name) || (!Files.isDirectory(root) && isDataName(name))) {
          List<String> prefix = new ArrayList<>();
          Path dir = Files.isDirectory(root) ? root.relativize(f).getParent() : null;
          if (dir != null) {
            for (Path seg : dir) {
              prefix.add(seg.toString());
            }
          }
          Value doc = parseData(f, DATA_FILES.contains(name) ? name : name.endsWith(".json") ? "data.json" : "data.yaml");
          data = merge(data, wrap(prefix, doc), f, "data");
        } else if (!Files.isDirectory(root)) {
          throw new LoadException(f + ": not a Rego module (.rego) or a data file (.json, .yaml, .yml)");
        }
      }
    }
    return new PolicyFiles(modules, (ObjectValue) data);
  }

  private static boolean isDataName(String name) {
    return name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static String read(Path f) throws LoadException {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LoadException(f + ": cannot read: " + e.getMessage());
    }
  }

  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * Reads a JSON document, or a YAML one when the file name ends in {@code .yaml} or {@code .yml}
   * (for instance an input document).
   *
   * @throws LoadException naming the file when it cannot be read or parsed
   */
  public static Value readDocument(Path f) throws LoadException {
    String name = f.getFileName() == null ? "" : f.getFileName().toString();
    return parse(f, name.endsWith(".yaml") || name.endsWith(".yml") ? "data.yaml" : "data.json");
  }

  private static Value parseData(Path f, String name) throws LoadException {
    Value v = parse(f, name);
    if (!(v instanceof ObjectValue)) {
      throw new LoadException(f + ": data must be an object, not " + v.typeName());
    }
    return v;
  }

  private static Value parse(Path f, String name) throws LoadException {
    String text = read(f);
    Value v;
    try {
      if (name.endsWith(".json")) {
        v = Json.parse(text);
      } else {
        JsonNode node = YAML.readTree(text);
        v = node == null || node.isMissingNode() ? ObjectValue.EMPTY : Json.fromJackson(node);
      }
    } catch (IOException | RuntimeException e) {
      throw new LoadException(f + ": invalid " + (name.endsWith(".json") ? "JSON" : "YAML") + ": "
          + firstLine(e.getMessage()));
    }
    return v;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Value wrap(List<String> prefix, Value doc) {
    Value v = doc;
    for (int i = prefix.size() - 1; i >= 0; i--) {
      v = ObjectValue.EMPTY.with(StringValue.of(prefix.get(i)), v);
    }
    return v;
  }

  private static Value merge(Value a, Value b, Path file, String where) throws LoadException {
    if (a instanceof ObjectValue x && b instanceof ObjectValue y) {
      ObjectValue out = x;
      for (Map.Entry<Value, Value> e : y.asMap().entrySet()) {
        Value prev = out.get(e.getKey());
        String at = where + "." + (e.getKey() instanceof StringValue s ? s.value() : e.getKey().toJson());
        out = out.with(e.getKey(), prev == null ? e.getValue() : merge(prev, e.getValue(), file, at));
      }
      return out;
    }
    throw new LoadException(file + ": merge error: " + where + " is already defined by another data file");
  }
}
