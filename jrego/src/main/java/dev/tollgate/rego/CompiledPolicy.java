package dev.tollgate.rego;

import dev.tollgate.rego.Ast.Module;
import dev.tollgate.rego.Plan.CRule;
import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.builtins.BuiltinCache;
import dev.tollgate.rego.builtins.BuiltinRegistry;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled modules and base data: immutable and safe to share between threads. Each evaluation
 * keeps its own state.
 */
public final class CompiledPolicy {
  private final Compiler compiler;
  private final RegoSyntax syntax;
  private final Value baseData;
  private final EvalLimits limits;
  private final Value runtime;
  private final List<RuleInfo> rules;
  private final Map<String, Ast.Ref> pathCache = new ConcurrentHashMap<>();
  /** What built-ins remember across this policy's evaluations; dropped with the policy. */
  private final BuiltinCache builtinCache = new BuiltinCache();
  /**
   * Input-independent documents and function results, shared by this policy's evaluations; one
   * per setting of strict built-in errors, under which a failing built-in is an error, not undefined.
   */
  private final RevisionMemo revisionMemo;
  private final RevisionMemo strictRevisionMemo;

  private CompiledPolicy(Compiler compiler, Value baseData, EvalLimits limits, Value runtime, List<RuleInfo> rules,
      RegoSyntax syntax, boolean[] independent) {
    this.revisionMemo = new RevisionMemo(independent);
    this.strictRevisionMemo = new RevisionMemo(independent);
    this.syntax = syntax;
    this.compiler = compiler;
    this.baseData = baseData;
    this.limits = limits;
    this.runtime = runtime;
    this.rules = List.copyOf(rules);
  }

  static CompiledPolicy compile(RegoSyntax syntax, List<String[]> sources, Value data,
      BuiltinRegistry builtins, EvalLimits limits, Value runtime, Schemas schemas) {
    List<RegoError> errors = new ArrayList<>();
    List<Module> modules = new ArrayList<>();
    for (String[] src : sources) {
      try {
        modules.add(Parser.parseModule(src[0], src[1], syntax == RegoSyntax.V1));
      } catch (RegoException e) {
        errors.addAll(e.errors());
      } catch (StackOverflowError e) {
        errors.add(new RegoError("rego_parse_error", "module nesting too deep", src[0]));
      }
    }
    if (!errors.isEmpty()) {
      throw new RegoCompileException(errors);
    }
    Compiler c = new Compiler(builtins);
    try {
      c.compileModules(modules);
    } catch (StackOverflowError e) {
      throw new RegoCompileException(List.of(new RegoError("rego_compile_error", "module nesting too deep", "")));
    }
    if (!c.errors().isEmpty()) {
      List<RegoError> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(c.errors()));
      sorted.sort(Comparator.comparing(RegoError::location, CompiledPolicy::compareLocations));
      throw new RegoCompileException(sorted);
    }
    // schemas null: type checking switched off
    List<RegoError> typeErrors = schemas == null ? List.of() : new TypeChecker(c, schemas.input(), schemas.named()).check();
    if (!typeErrors.isEmpty()) {
      List<RegoError> sorted = new ArrayList<>(typeErrors);
      sorted.sort(Comparator.comparing(RegoError::location, CompiledPolicy::compareLocations));
      throw new RegoCompileException(sorted);
    }
    boolean[] independent = InputIndependence.analyse(c.root, c.nodeCount());
    ConstantFolder.fold(c.root, c.allRules);
    RuleIndexer.index(c.root);
    List<RuleInfo> infos = new ArrayList<>();
    for (CRule r : c.allRules) {
      Node n = r.node;
      int pkgLen = r.pkg.isEmpty() ? 0 : r.pkg.split("\\.").length;
      StringBuilder name = new StringBuilder();
      for (int i = pkgLen; i < n.path.size(); i++) {
        if (name.length() > 0) {
          name.append('.');
        }
        Value v = n.path.get(i);
        name.append(v instanceof StringValue s ? s.value() : v.toJson());
      }
      infos.add(new RuleInfo("data." + r.pkg, name.toString(), r.loc.toString(), r.kind == Ast.RuleKind.FUNCTION));
    }
    infos.sort(Comparator.comparing(RuleInfo::location, CompiledPolicy::compareLocations));
    return new CompiledPolicy(c, data, limits, runtime, infos, syntax, independent);
  }

  private static int compareLocations(String a, String b) {
    String[] x = a.split(":");
    String[] y = b.split(":");
    if (x.length < 3 || y.length < 3) {
      return a.compareTo(b);
    }
    int c = x[0].compareTo(y[0]);
    if (c != 0) {
      return c;
    }
    try {
      c = Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
      return c != 0 ? c : Integer.compare(Integer.parseInt(x[2]), Integer.parseInt(y[2]));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  boolean syntaxV1() {
    return syntax == RegoSyntax.V1;
  }

  int nodeCount() {
    return compiler.nodeCount();
  }

  Node root() {
    return compiler.root;
  }

  Value baseData() {
    return baseData;
  }

  RevisionMemo revisionMemo(boolean strictBuiltinErrors) {
    return strictBuiltinErrors ? strictRevisionMemo : revisionMemo;
  }

  BuiltinCache builtinCache() {
    return builtinCache;
  }

  EvalLimits limits() {
    return limits;
  }

  Value runtime() {
    return runtime;
  }

  /** The compiled shape of every rule definition, for coverage and explanations. */
  public List<RuleOutline> outline() {
    return RuleOutline.of(compiler.allRules);
  }

  /** Every rule (each definition once), in source order. */
  public List<RuleInfo> rules() {
    return rules;
  }

  /**
   * Compiles a query such as {@code data.authz.allow = x}.
   *
   * @throws RegoCompileException when the query does not parse or compile
   */
  public PreparedQuery prepare(String query) {
    Ast.Body body;
    try {
      body = Parser.parseQuery(query, true);
    } catch (StackOverflowError e) {
      throw new RegoCompileException(List.of(new RegoError("rego_parse_error", "query nesting too deep", "query")));
    }
    Plan.Query q;
    synchronized (compiler) {
      compiler.errors().clear();
      q = compiler.compileQuery(body, null);
      if (!compiler.errors().isEmpty()) {
        List<RegoError> errs = List.copyOf(compiler.errors());
        compiler.errors().clear();
        throw new RegoCompileException(errs);
      }
    }
    return new PreparedQuery(this, q);
  }

  /**
   * Evaluates one document: {@code "envoy/authz/allow"} or {@code "data.envoy.authz.allow"}.
   *
   * @return the value, or null when undefined
   * @throws RegoEvalException when evaluation fails
   */
  public Value evaluateRule(String path, Value input) {
    // the default options with this input, without allocating them per call
    return evaluateRule(path, EvalOptions.DEFAULT, input, null);
  }

  public Value evaluateRule(String path, EvalOptions options) {
    return evaluateRule(path, options, options.input(), null);
  }

  /** Like {@link #evaluateRule(String, EvalOptions)} with {@code input} in place of the options' input. */
  public Value evaluateRule(String path, EvalOptions options, Value input) {
    return evaluateRule(path, options, input, null);
  }

  /**
   * Like {@link #evaluateRule(String, EvalOptions)}, reporting the evaluation to {@code listener}
   * (null for none).
   */
  public Value evaluateRule(String path, EvalOptions options, EvalListener listener) {
    return evaluateRule(path, options, options.input(), listener);
  }

  private Value evaluateRule(String path, EvalOptions options, Value input, EvalListener listener) {
    Ast.Ref ref = pathCache.get(path);
    if (ref == null) {
      ref = pathCache.computeIfAbsent(path, this::resolvePath);
    }
    Eval e = new Eval(this, options, input);
    e.listener = listener;
    try {
      return ref.ruleNode() != null ? e.document(ref.ruleNode(), ref.path(), ref.ruleDepth()) : e.document(ref.path());
    } catch (StackOverflowError so) {
      throw Eval.error("eval_cancel_error", "evaluation exceeded the stack depth", null);
    }
  }

  /** A data reference for a path, with the rule node its prefix reaches (if any). */
  private Ast.Ref resolvePath(String path) {
    List<Ast.Term> segs = parsePath(path);
    Plan.Node n = compiler.root;
    int depth = 0;
    for (Ast.Term t : segs) {
      if (n.hasRules()) {
        break;
      }
      n = n.children.get(((Ast.Scalar) t).value());
      if (n == null) {
        break;
      }
      depth++;
    }
    Ast.Var data = new Ast.Var(null, "data", Compiler.DATA_SLOT);
    if (n == null || !n.hasRules() || n.isFunction) {
      return new Ast.Ref(null, data, segs);
    }
    return new Ast.Ref(null, data, segs, n, depth);
  }

  private static List<Ast.Term> parsePath(String path) {
    String p = path.startsWith("data.") ? path.substring(5) : path.equals("data") ? "" : path;
    String sep = path.startsWith("data.") ? "\\." : "/";
    List<Ast.Term> out = new ArrayList<>();
    for (String s : p.split(sep)) {
      if (!s.isEmpty()) {
        out.add(new Ast.Scalar(null, StringValue.of(s)));
      }
    }
    return List.copyOf(out);
  }

  static Value constantTerm(String text) {
    Ast.Term t;
    try {
      t = Parser.parseTerm(text);
    } catch (StackOverflowError e) {
      throw new RegoCompileException(List.of(new RegoError("rego_parse_error", "term nesting too deep", "input")));
    }
    CompiledPolicy empty = compile(RegoSyntax.V1, List.of(), dev.tollgate.rego.value.ObjectValue.EMPTY,
        BuiltinRegistry.standard(), EvalLimits.DEFAULT, dev.tollgate.rego.value.ObjectValue.EMPTY, Schemas.NONE);
    Ast.Body body = new Ast.Body(t.loc(), List.of(new Ast.TermExpr(t.loc(), false,
        new Ast.Call(t.loc(), "eq", List.of(new Ast.Var(t.loc(), "$term"), t), null), List.of())));
    Plan.Query q;
    synchronized (empty.compiler) {
      q = empty.compiler.compileQuery(body, null);
      if (!empty.compiler.errors().isEmpty()) {
        throw new RegoCompileException(List.copyOf(empty.compiler.errors()));
      }
    }
    Eval e = new Eval(empty, EvalOptions.DEFAULT);
    List<Map<String, Value>> rows = e.query(new Plan.Query(q.body(), q.nslots(), q.slotNames(),
        new int[] {0}, new String[] {"v"}));
    Value v = rows.isEmpty() ? null : rows.get(0).get("v");
    if (v == null) {
      throw new RegoCompileException(List.of(new RegoError("rego_parse_error", "term is undefined", "input")));
    }
    return v;
  }
}
