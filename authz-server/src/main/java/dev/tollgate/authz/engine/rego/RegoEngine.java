package dev.tollgate.authz.engine.rego;

import dev.tollgate.authz.engine.Engines;
import dev.tollgate.authz.engine.EvalSettings;
import dev.tollgate.authz.engine.LoadResult;
import dev.tollgate.authz.engine.PolicyEngine;
import dev.tollgate.authz.engine.PolicySource;
import dev.tollgate.authz.input.InputSchema;
import dev.tollgate.rego.EvalLimits;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoCompileException;
import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RuleInfo;
import dev.tollgate.rego.builtins.BuiltinContext.Capabilities;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Compiles a tenant's Rego modules (its own and the shared library) with its data through jrego.
 * Every tenant gets its own {@link dev.tollgate.rego.CompiledPolicy}: no rule, data or cache is
 * shared between tenants.
 */
public final class RegoEngine implements PolicyEngine {
    /** Evaluation depth (nested rule and function calls); authorization policies stay far below it. */
    private static final int MAX_DEPTH = 120;

    @Override
    public String name() {
        return Engines.REGO;
    }

    @Override
    public LoadResult load(PolicySource source) {
        if (source.modules().stream().noneMatch(m -> !m.shared())) {
            return new LoadResult.Failed(source.location() + ": no Rego modules");
        }
        Value data;
        try {
            data = JsonValues.toValue(source.data());
        } catch (IllegalArgumentException e) {
            return new LoadResult.Failed(source.location() + ": data: " + e.getMessage());
        }
        EvalLimits limits = limits(source.evaluation());
        Rego.Builder builder = Rego.compiler().data(data).limits(limits);
        if (source.checkInputSchema()) {
            builder.schemas(InputSchema.schemas());
        }
        for (PolicySource.Module m : source.modules()) {
            builder.module(m.name(), m.text());
        }
        dev.tollgate.rego.CompiledPolicy compiled;
        try {
            compiled = builder.compile();
        } catch (RegoCompileException e) {
            return new LoadResult.Failed(compileErrors(source, e.errors()));
        }
        String entrypoint = source.entrypoint();
        if (!definesEntrypoint(compiled.rules(), entrypoint)) {
            return new LoadResult.Failed(source.location() + ": entrypoint '" + entrypoint
                    + "' is not defined by any rule (data." + entrypoint.replace('/', '.') + ")");
        }
        EvalOptions options = EvalOptions.DEFAULT.withLimits(limits).withCapabilities(capabilities(source.evaluation()));
        return new LoadResult.Loaded(new RegoPolicy(compiled, entrypoint, options, rulePaths(compiled.rules())));
    }

    static EvalLimits limits(EvalSettings s) {
        return new EvalLimits(s.maxSteps(), MAX_DEPTH, s.timeout().toNanos());
    }

    static Capabilities capabilities(EvalSettings s) {
        return s.httpSendEnabled()
                ? new Capabilities(true, s.httpSendAllowedHosts(), false, Map.of())
                : Capabilities.NONE;
    }

    private static String compileErrors(PolicySource source, List<RegoError> errors) {
        StringBuilder sb = new StringBuilder(source.location()).append(": ").append(errors.size())
                .append(errors.size() == 1 ? " error" : " errors");
        for (RegoError e : errors) {
            sb.append("; ").append(e);
        }
        return sb.toString();
    }

    /** A rule at the entrypoint itself or below it (an entrypoint may name a package-level object). */
    private static boolean definesEntrypoint(List<RuleInfo> rules, String entrypoint) {
        String ref = "data." + entrypoint.replace('/', '.');
        for (RuleInfo r : rules) {
            String rule = r.ref();
            if (rule.equals(ref) || rule.startsWith(ref + ".") || ref.startsWith(rule + ".")) {
                return true;
            }
        }
        return false;
    }

    private static List<List<String>> rulePaths(List<RuleInfo> rules) {
        List<List<String>> out = new ArrayList<>();
        for (RuleInfo r : rules) {
            if (!r.function()) {
                out.add(List.copyOf(Arrays.asList(r.ref().substring("data.".length()).split("\\."))));
            }
        }
        return List.copyOf(out);
    }
}
