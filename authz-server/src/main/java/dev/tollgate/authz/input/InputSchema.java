package dev.tollgate.authz.input;

import dev.tollgate.rego.Schemas;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The JSON schema of the input document {@link InputDocuments} builds ({@code input-schema.json}
 * beside this class): what tenants' Rego is type checked against unless their {@code tenant.yaml}
 * says {@code input_schema: none}.
 */
public final class InputSchema {
    private static final Value SCHEMA = load();
    private static final Schemas SCHEMAS = Schemas.input(SCHEMA);

    private InputSchema() {
    }

    /** The schema document. */
    public static Value json() {
        return SCHEMA;
    }

    /** The schema as the type checker takes it (also reachable as {@code schema.input} in annotations). */
    public static Schemas schemas() {
        return SCHEMAS;
    }

    private static Value load() {
        try (InputStream in = InputSchema.class.getResourceAsStream("input-schema.json")) {
            if (in == null) {
                throw new IllegalStateException("input-schema.json missing from the class path");
            }
            return Json.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
