package dev.tollgate.rego.cli;

import dev.tollgate.rego.CompiledPolicy;
import dev.tollgate.rego.EvalOptions;
import dev.tollgate.rego.PreparedQuery;
import dev.tollgate.rego.Rego;
import dev.tollgate.rego.RegoCompileException;
import dev.tollgate.rego.RegoError;
import dev.tollgate.rego.RegoEvalException;
import dev.tollgate.rego.RegoSyntax;
import dev.tollgate.rego.cli.Args.UsageException;
import dev.tollgate.rego.testing.Explainer;
import dev.tollgate.rego.testing.Explanation;
import dev.tollgate.rego.testing.PolicyFiles;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code jrego eval}: evaluates a rule reference (or any query) against modules, data and an input
 * document; {@code --explain} says which rule definitions applied and why the others did not.
 */
final class EvalCommand {
  static final String USAGE = "usage: jrego eval --data PATH [--data PATH...] [--input FILE] [--explain]"
      + " [--syntax v1|v0] QUERY";

  private static final Pattern REF = Pattern.compile("data(\\.[A-Za-z_][A-Za-z0-9_]*)*");

  private EvalCommand() {}

  static int run(List<String> args, PrintStream out, PrintStream err) {
    RegoSyntax syntax = RegoSyntax.V1;
    List<Path> data = new ArrayList<>();
    Path inputFile = null;
    boolean explain = false;
    String query = null;
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--data", "-d" -> data.add(Path.of(Args.value(args, ++i, a)));
          case "--input", "-i" -> inputFile = Path.of(Args.value(args, ++i, a));
          case "--explain" -> explain = true;
          case "--syntax" -> syntax = Args.syntax(Args.value(args, ++i, a));
          case "--v0-compatible" -> syntax = RegoSyntax.V0;
          default -> {
            String q = Args.operand(a);
            if (query != null) {
              throw new UsageException("only one query may be given");
            }
            query = q;
          }
        }
      }
      if (query == null) {
        throw new UsageException("no query given");
      }
      if (explain && !REF.matcher(query.strip()).matches()) {
        throw new UsageException("--explain needs a rule reference such as data.envoy.authz.allow, not " + query);
      }
    } catch (UsageException e) {
      return Args.usageError(err, "eval", USAGE, e);
    }
    PolicyFiles files;
    Value input = null;
    try {
      files = PolicyFiles.load(data);
      if (inputFile != null) {
        input = PolicyFiles.readDocument(inputFile);
      }
    } catch (PolicyFiles.LoadException e) {
      err.println("jrego eval: " + e.getMessage());
      return 2;
    }
    CompiledPolicy policy;
    try {
      Rego.Builder b = Rego.compiler().syntax(syntax).data(files.data());
      files.modules().forEach(b::module);
      policy = b.compile();
    } catch (RegoCompileException e) {
      printErrors(e.errors(), err);
      return 2;
    }
    EvalOptions opts = EvalOptions.input(input);
    String q = query.strip();
    if (explain) {
      Explanation x = new Explainer(policy, files.modules()).explain(q, opts);
      out.print(x.render());
      return x.errors().isEmpty() ? 0 : 1;
    }
    try {
      if (REF.matcher(q).matches()) {
        Value v = policy.evaluateRule(q, opts);
        out.println(v == null ? "undefined" : v.toJson());
        return 0;
      }
      PreparedQuery pq = policy.prepare(q);
      List<Value> rows = new ArrayList<>();
      for (Map<String, Value> row : pq.eval(opts)) {
        ObjectValue.Builder ob = ObjectValue.builder();
        row.forEach((k, v) -> ob.put(StringValue.of(k), v));
        rows.add(ob.build());
      }
      out.println(ArrayValue.of(rows).toJson());
      return 0;
    } catch (RegoCompileException e) {
      printErrors(e.errors(), err);
      return 2;
    } catch (RegoEvalException e) {
      printErrors(e.errors(), err);
      return 1;
    }
  }

  private static void printErrors(List<RegoError> errors, PrintStream err) {
    err.println(errors.size() == 1 ? "1 error occurred:" : errors.size() + " errors occurred:");
    for (RegoError e : errors) {
      err.println(e);
    }
  }
}
