package dev.tollgate.authz.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tenant's loaded policy, evaluated many times. Must be safe to call from many threads at once;
 * must not throw: every failure is an {@link EvalResult.Failed}.
 */
public interface CompiledPolicy extends AutoCloseable {
    /** Evaluates the tenant entrypoint against {@code input} (the input document, not to be mutated). */
    EvalResult evaluate(JsonNode input);

    @Override
    default void close() {
    }
}
