package dev.tollgate.rego;

import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * JSON schemas for type checking, as OPA's {@code --schema} gives them: the input document's
 * schema (null: input is not checked) and named schemas ({@code "a/b"} is {@code schema.a.b} in
 * METADATA {@code schemas:} annotations; the input schema is also {@code schema.input}).
 *
 * @param input the input document's schema, or null
 * @param named schemas by slash-separated name
 */
public record Schemas(Value input, Map<String, Value> named) {
  public static final Schemas NONE = new Schemas(null, Map.of());

  public Schemas {
    named = Map.copyOf(named);
  }

  /** Only an input schema. */
  public static Schemas input(Value schema) {
    return new Schemas(schema, Map.of("input", schema));
  }

  /**
   * Reads {@code --schema PATH}: a file is the input schema; in a directory every {@code *.json}
   * file is a schema named by its path without the extension, and {@code input.json} at the top
   * is the input schema.
   *
   * @throws IllegalArgumentException naming the file that is not valid JSON
   */
  public static Schemas load(Path path) {
    if (!Files.isDirectory(path)) {
      return input(read(path));
    }
    Map<String, Value> named = new TreeMap<>();
    try (Stream<Path> files = Files.walk(path)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).sorted().toList()) {
        String rel = path.relativize(f).toString().replace('\\', '/');
        named.put(rel.substring(0, rel.length() - ".json".length()), read(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Schemas(named.get("input"), named);
  }

  private static Value read(Path f) {
    try {
      Value v = Json.parse(Files.readString(f));
      if (!(v instanceof ObjectValue) && !(v instanceof dev.tollgate.rego.value.BooleanValue)) {
        throw new IllegalArgumentException(f + ": a JSON schema must be an object");
      }
      return v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith(f.toString())) {
        throw iae;
      }
      throw new IllegalArgumentException(f + ": not valid JSON: " + e.getMessage(), e);
    }
  }
}
