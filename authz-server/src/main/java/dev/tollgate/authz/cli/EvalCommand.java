package dev.tollgate.authz.cli;

import dev.tollgate.authz.input.InputDocument;
import dev.tollgate.authz.input.InvalidRequestException;
import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoCompileException;
import dev.tollgate.rego.RegoEvalException;
import dev.tollgate.rego.testing.Explainer;
import dev.tollgate.rego.testing.Explanation;
import dev.tollgate.rego.testing.PolicyFiles;
import dev.tollgate.rego.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate eval}: one tenant's decision for one input document, optionally explained. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {
            "Evaluates a tenant's entrypoint (from its tenant.yaml, default envoy/authz/allow) for an",
            "input document (the OPA-Envoy input shape, JSON or YAML) and prints the decision as JSON.",
            "--explain also prints which rule definitions made the decision and, for those that did not",
            "apply, the first expression that failed."},
        footer = {"", "Exit status: 0 evaluated, 1 compile or evaluation error, 2 bad arguments or unreadable files."})
final class EvalCommand extends WriterCommand {
    @Option(names = "--policies", paramLabel = "DIR", defaultValue = "policies",
            description = "Policy folder (default: ${DEFAULT-VALUE}).")
    Path policies;

    @Option(names = "--tenant", paramLabel = "NAME", required = true, description = "Tenant folder under --policies.")
    String tenant;

    @Option(names = "--input", paramLabel = "FILE", description = "Input document (JSON or YAML); without it input is undefined.")
    Path input;

    @Option(names = "--check-request", paramLabel = "FILE",
            description = {"An Envoy CheckRequest in protojson instead of --input: the input document is built from it",
                "exactly as 'serve' builds it (caller identity from the default identity sources)."})
    Path checkRequest;

    @Option(names = "--entrypoint", paramLabel = "PATH",
            description = "Rule to evaluate, slash-separated (default: the tenant's entrypoint).")
    String entrypoint;

    @Option(names = "--explain", description = "Explain which rules made the decision.")
    boolean explain;

    @Override
    int execute(java.io.PrintWriter out, java.io.PrintWriter err) {
        PolicyTree tree = new PolicyTree(policies);
        if (!Files.isDirectory(policies.resolve(tenant)) || tenant.equals(PolicyTree.SHARED)) {
            err.println("tollgate eval: no tenant folder " + policies.resolve(tenant));
            return 2;
        }
        try {
            String ref = entrypoint != null
                    ? "data." + entrypoint.replaceAll("^/+|/+$", "").replace('/', '.')
                    : tree.entrypointRef(tenant);
            PolicyFiles files = PolicyFiles.load(tree.modulePaths(tenant));
            Rego.Builder builder = Rego.compiler().data(files.data());
            for (Map.Entry<String, String> m : files.modules().entrySet()) {
                builder.module(m.getKey(), m.getValue());
            }
            CompiledPolicy policy = builder.compile();
            EvalOptions options = EvalOptions.DEFAULT.withPrintSink(line -> err.println("print: " + line));
            if (input != null && checkRequest != null) {
                err.println("tollgate eval: give --input or --check-request, not both");
                return 2;
            }
            if (checkRequest != null) {
                if (!Files.isRegularFile(checkRequest)) {
                    err.println("tollgate eval: no such check request file: " + checkRequest);
                    return 2;
                }
                InputDocument document;
                try {
                    document = CheckRequestInput.read(checkRequest, tenant);
                } catch (InvalidRequestException e) {
                    err.println("tollgate eval: invalid_request: " + e.getMessage());
                    return 1;
                }
                options = options.withInput(document.value());
                if (document.problem() != null) {
                    // The server would deny it before the policy's answer counts.
                    err.println("tollgate eval: invalid_request: " + document.problem());
                    return 1;
                }
            }
            if (input != null) {
                if (!Files.isRegularFile(input)) {
                    err.println("tollgate eval: no such input file: " + input);
                    return 2;
                }
                options = options.withInput(PolicyFiles.readDocument(input));
            }
            if (explain) {
                Explanation explanation = new Explainer(policy, files.modules()).explain(ref, options);
                out.println(explanation.render());
                return explanation.errors().isEmpty() ? 0 : 1;
            }
            Value result = policy.evaluateRule(ref, options);
            out.println(result == null ? "undefined" : result.toJson());
            return 0;
        } catch (PolicyFiles.LoadException | IOException e) {
            err.println("tollgate eval: " + e.getMessage());
            return 2;
        } catch (RegoCompileException e) {
            err.println("tollgate eval: " + e.getMessage());
            return 1;
        } catch (RegoEvalException e) {
            err.println("tollgate eval: " + e.getMessage());
            return 1;
        }
    }
}
