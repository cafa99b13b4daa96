package dev.tollgate.authz.cli;

import dev.tollgate.authz.input.InputSchema;
import dev.tollgate.rego.Schemas;
import java.nio.file.Path;

/**
 * The {@code --schema} option of the authoring commands: {@code tollgate} (the default) checks
 * Rego against the schema of Tollgate's input document, as the server does, honouring each
 * tenant's {@code input_schema: none}; {@code none} checks no input; any other value is a JSON
 * schema file or folder (as {@code opa check --schema}) used for every tenant.
 */
final class SchemaOption {
    static final String DESCRIPTION = "Input schema for type checking: tollgate (default: Tollgate's input document,"
            + " unless a tenant.yaml says input_schema: none), none, or a JSON schema FILE or folder (as opa --schema).";

    private SchemaOption() {
    }

    /** The schemas for {@code tenant} (null: not a tenant of a policy tree). */
    static Schemas forTenant(String option, PolicyTree tree, String tenant) {
        if (option.equals("tollgate")) {
            return tree != null && tenant != null && !tree.checksInputSchema(tenant) ? Schemas.NONE : InputSchema.schemas();
        }
        if (option.equals("none")) {
            return Schemas.NONE;
        }
        return Schemas.load(Path.of(option));
    }
}
