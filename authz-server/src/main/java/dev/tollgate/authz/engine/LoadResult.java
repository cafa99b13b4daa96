package dev.tollgate.authz.engine;

public sealed interface LoadResult {
    record Loaded(CompiledPolicy policy) implements LoadResult {
    }

    /** {@code message} says what is wrong and in which file, for /ready and logs. */
    record Failed(String message) implements LoadResult {
    }
}
