package dev.tollgate.rego.bench;

import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.Schemas;
import dev.tollgate.rego.value.Json;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Compile time of a generated policy of {@code rules} rules (each reading input fields, calling
 * built-ins and iterating headers), without the type checker, with it, and with an input schema:
 * what the checker adds to a (re)load, and that it grows linearly with the policy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TypeCheckBenchmark {
  private static final String SCHEMA = """
      {"type": "object", "additionalProperties": false, "properties": {
        "attributes": {"type": "object", "additionalProperties": false, "properties": {
          "request": {"type": "object", "additionalProperties": false, "properties": {
            "http": {"type": "object", "additionalProperties": false, "properties": {
              "method": {"type": "string"}, "path": {"type": "string"},
              "headers": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}},
        "parsed_path": {"type": "array", "items": {"type": "string"}}}}
      """;

  @Param({"100", "1000"})
  public int rules;

  @Param({"off", "builtins", "schema"})
  public String checking;

  private String module;
  private Schemas schemas;

  @Setup
  public void setup() {
    StringBuilder sb = new StringBuilder("package gen\n\n");
    for (int i = 0; i < rules; i++) {
      sb.append("r").append(i).append(" := v if {\n")
          .append("\tinput.attributes.request.http.method == \"GET\"\n")
          .append("\tstartswith(input.attributes.request.http.path, \"/api/").append(i).append("\")\n")
          .append("\tsome name, value in input.attributes.request.http.headers\n")
          .append("\tcount(value) > ").append(i).append('\n')
          .append("\tv := {\"n\": upper(name), \"i\": count(input.parsed_path) + ").append(i).append("}\n")
          .append("}\n\n");
      sb.append("s").append(i).append(" contains x if {\n\tsome x in [r").append(i).append(".n, lower(\"A\")]\n}\n\n");
    }
    module = sb.toString();
    schemas = checking.equals("schema") ? Schemas.input(Json.parse(SCHEMA)) : Schemas.NONE;
    compile();
  }

  @Benchmark
  public CompiledPolicy compile() {
    return Rego.compiler().module("gen.rego", module).schemas(schemas).typeCheck(!checking.equals("off")).compile();
  }
}
