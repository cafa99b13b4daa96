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

    /**
     * Evaluation failed; {@code message} is for logs, not for callers.
     *
     * @param code the engine's error category, e.g. {@code eval_conflict_error}, {@code eval_cancel_error}
     */
    record Failed(String code, String message) implements EvalResult {
        public static final String GENERIC = "eval_error";

        public Failed(String message) {
            this(GENERIC, message);
        }
    }
}
