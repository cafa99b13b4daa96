package dev.tollgate.authz.engine;

import dev.tollgate.rego.value.Value;

/**
 * A tenant's loaded policy, evaluated many times. Must be safe to call from many threads at once;
 * must not throw: every failure is an {@link EvalResult.Failed}.
 */
public interface CompiledPolicy extends AutoCloseable {
    /**
     * Evaluates the tenant entrypoint against {@code input}, the input document (a jrego value, possibly
     * lazy: it belongs to the calling thread for the duration of the call).
     */
    EvalResult evaluate(Value input);

    @Override
    default void close() {
    }
}
