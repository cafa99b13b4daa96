package dev.tollgate.authz.engine;

import com.fasterxml.jackson.databind.JsonNode;

/** The value of the entrypoint for one input. */
public sealed interface EvalResult {
    /** The entrypoint has a value (boolean or object for an Envoy decision). */
    record Defined(JsonNode value) implements EvalResult {
    }

    /** The entrypoint has no value for this input. */
    record Undefined() implements EvalResult {
    }

    /** Evaluation failed; {@code message} is for logs, not for callers. */
    record Failed(String message) implements EvalResult {
    }
}
