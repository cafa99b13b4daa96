package dev.tollgate.authz.cli;

import dev.tollgate.authz.input.InputSchema;
import dev.tollgate.rego.Schemas;
import java.nio.file.Path;

/**
 * The {@code --schema} option of the authoring commands. {@code auto} (the default) does what the
 * server does: tenants of a policy folder are checked against the schema of Tollgate's input
 * document unless their {@code tenant.yaml} says {@code input_schema: none}; other Rego paths are
 * not checked against any input schema. {@code tollgate} applies Tollgate's schema to everything,
 * {@code none} to nothing; any other value is a JSON schema file or folder (as
 * {@code opa check --schema}) used for everything.
 */
final class SchemaOption {
    static final String DESCRIPTION = "Input schema for type checking: auto (default: tenants of a policy folder against"
            + " Tollgate's input document unless their tenant.yaml says input_schema: none, other paths unchecked),"
            + " tollgate, none, or a JSON schema FILE or folder (as opa --schema).";

    private SchemaOption() {
    }

    /** The schemas for {@code tenant} (null: not a tenant of a policy tree). */
    static Schemas forTenant(String option, PolicyTree tree, String tenant) {
        if (option.equals("auto")) {
            return tree != null && tenant != null && tree.checksInputSchema(tenant) ? InputSchema.schemas() : Schemas.NONE;
        }
        if (option.equals("tollgate")) {
            return InputSchema.schemas();
        }
        if (option.equals("none")) {
            return Schemas.NONE;
        }
        return Schemas.load(Path.of(option));
    }
}
