package dev.tollgate.rego;

import dev.tollgate.rego.builtins.BuiltinRegistry;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;

/** Entry point: {@code Rego.compiler().module("a.rego", text).compile()}. */
public final class Rego {
  private Rego() {}

  public static Builder compiler() {
    return new Builder();
  }

  /**
   * Parses a Rego term (for instance an input written in Rego syntax) and evaluates it as a
   * constant.
   *
   * @throws RegoCompileException when the text is not a ground Rego term
   */
  public static Value parseTerm(String text) {
    return CompiledPolicy.constantTerm(text);
  }

  /** Collects modules, data and settings; {@link #compile()} builds the policy. */
  public static final class Builder {
    private RegoSyntax syntax = RegoSyntax.V1;
    private final List<String[]> modules = new ArrayList<>();
    private Value data = ObjectValue.EMPTY;
    private BuiltinRegistry builtins = BuiltinRegistry.standard();
    private EvalLimits limits = EvalLimits.DEFAULT;
    private Value runtime = ObjectValue.EMPTY;
    private Schemas schemas = Schemas.NONE;
    private boolean typeCheck = true;

    private Builder() {}

    /**
     * JSON schemas for the type checker: the input document's, and named ones that METADATA
     * {@code schemas:} annotations refer to as {@code schema.<name>}.
     */
    public Builder schemas(Schemas s) {
      this.schemas = java.util.Objects.requireNonNull(s, "schemas");
      return this;
    }

    /**
     * Whether the type checker runs (default true, as in OPA, where it cannot be switched off);
     * false leaves type errors to evaluation.
     */
    public Builder typeCheck(boolean on) {
      this.typeCheck = on;
      return this;
    }

    public Builder syntax(RegoSyntax s) {
      this.syntax = s;
      return this;
    }

    public Builder module(String name, String text) {
      modules.add(new String[] {name, text});
      return this;
    }

    /** The base document under {@code data}; must be an object. */
    public Builder data(Value d) {
      if (!(d instanceof ObjectValue)) {
        throw new IllegalArgumentException("data must be an object");
      }
      this.data = d;
      return this;
    }

    public Builder builtins(BuiltinRegistry r) {
      this.builtins = r;
      return this;
    }

    public Builder limits(EvalLimits l) {
      this.limits = l;
      return this;
    }

    /** What {@code opa.runtime()} returns. */
    public Builder runtime(Value r) {
      this.runtime = r;
      return this;
    }

    /**
     * Parses and compiles the modules.
     *
     * @throws RegoCompileException listing every parse and compile error
     */
    public CompiledPolicy compile() {
      return CompiledPolicy.compile(syntax, modules, data, builtins, limits, runtime, typeCheck ? schemas : null);
    }
  }
}
