package dev.tollgate.rego.testing;

import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.value.Value;
import java.util.List;

/**
 * Why a document has the value it has.
 *
 * @param ref the explained document, e.g. {@code data.envoy.authz.allow}
 * @param value its value, or null when undefined or when evaluation failed
 * @param errors the evaluation errors; empty when it succeeded
 * @param definitions every definition of the rule (else branches included), in source order
 */
public record Explanation(String ref, Value value, List<RegoError> errors, List<DefinitionReport> definitions) {
  public Explanation {
    errors = List.copyOf(errors);
    definitions = List.copyOf(definitions);
  }

  /** A readable, multi-line explanation. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    if (!errors.isEmpty()) {
      sb.append(ref).append(": evaluation failed\n");
      for (RegoError e : errors) {
        sb.append("  error: ").append(e).append('\n');
      }
    } else {
      sb.append(ref).append(" = ").append(value == null ? "undefined" : value.toJson()).append('\n');
    }
    if (definitions.isEmpty()) {
      sb.append("  no rule defines ").append(ref).append(" (it is base data or a package)\n");
    }
    for (DefinitionReport d : definitions) {
      sb.append("  ").append(d.location()).append(": ").append(d.head()).append('\n');
      switch (d.outcome()) {
        case PRODUCED -> sb.append(d.head().startsWith("default ")
            ? "    supplied the value: no other definition applied\n" : "    produced the value\n");
        case NOT_APPLIED -> {
          sb.append("    did not apply: ").append(d.failure())
            .append(d.failedAt().isEmpty() ? "" : " is false or undefined").append('\n');
          d.appendCauses(sb, "      ");
        }
        case NOT_EVALUATED -> sb.append("    not evaluated\n");
      }
    }
    return sb.toString();
  }
}
