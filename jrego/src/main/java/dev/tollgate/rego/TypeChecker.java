package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Compr;
import dev.tollgate.rego.Ast.Every;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.Loc;
import dev.tollgate.rego.Ast.ObjectTerm;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.Scalar;
import dev.tollgate.rego.Ast.SetTerm;
import dev.tollgate.rego.Ast.SomeDecl;
import dev.tollgate.rego.Ast.SomeIn;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.Var;
import dev.tollgate.rego.Ast.With;
import dev.tollgate.rego.Plan.CRule;
import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.Plan.Special;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * OPA's type checking over compiled rules: built-in operands against their declarations,
 * unifications whose sides cannot match, and references into {@code input}, {@code data} and
 * rule values that cannot exist. Rule and function value types are inferred from their
 * definitions; {@code input} (and parts of {@code input} or {@code data}) get their types from
 * JSON schemas, given for the whole policy or by METADATA {@code schemas:} annotations.
 *
 * <p>Each rule body is walked once, in the compiler's evaluation order, so the work is linear in
 * the size of the policy (rule value types are memoised; a recursive reference types as any).
 */
final class TypeChecker {
  /** A schema applied below a path of {@code input} or {@code data}. */
  record Override(boolean input, List<Value> path, RegoType type) {}

  private final Compiler compiler;
  private final RegoType inputType;
  private final Map<String, Value> namedSchemas;
  private final Set<RegoError> errors = new LinkedHashSet<>();
  private final IdentityHashMap<CRule, RegoType> ruleTypes = new IdentityHashMap<>();
  private final IdentityHashMap<Node, RegoType> nodeTypes = new IdentityHashMap<>();
  private final IdentityHashMap<Node, Boolean> inProgress = new IdentityHashMap<>();
  private final Map<Value, List<Override>> annotationOverrides = new HashMap<>();

  TypeChecker(Compiler compiler, Value inputSchema, Map<String, Value> namedSchemas) {
    this.compiler = compiler;
    this.namedSchemas = namedSchemas;
    this.inputType = inputSchema == null ? RegoType.ANY : schemaType(inputSchema, "input schema", null);
  }

  List<RegoError> check() {
    for (CRule r : compiler.allRules) {
      for (CRule c = r; c != null; c = c.elseRule) {
        ruleType(c);
      }
    }
    return List.copyOf(errors);
  }

  private void error(String msg, Loc loc) {
    errors.add(new RegoError("rego_type_error", msg, loc == null ? "" : loc.toString()));
  }

  private RegoType schemaType(Value schema, String what, Loc loc) {
    try {
      return SchemaTypes.toType(schema);
    } catch (IllegalArgumentException e) {
      if (loc == null) {
        throw new RegoCompileException(List.of(new RegoError("rego_type_error", what + ": " + e.getMessage(), "")));
      }
      error(what + ": " + e.getMessage(), loc);
      return RegoType.ANY;
    }
  }

  // ---- rules and nodes

  /** Checks a rule (once) and answers the type of the value it contributes to its node. */
  private RegoType ruleType(CRule r) {
    RegoType done = ruleTypes.get(r);
    if (done != null) {
      return done;
    }
    ruleTypes.put(r, RegoType.ANY); // a recursive path back here sees any
    Env env = new Env(r.nslots, overrides(r));
    if (r.args != null) {
      for (Term a : r.args) {
        bind(env, a, RegoType.ANY);
      }
    }
    body(env, r.body);
    RegoType value = r.value == null ? RegoType.BOOLEAN : type(env, r.value);
    RegoType key = r.key == null ? null : type(env, r.key);
    List<RegoType> suffix = new ArrayList<>();
    if (r.suffix != null) {
      for (Term s : r.suffix) {
        suffix.add(type(env, s));
      }
    }
    RegoType out = switch (r.kind) {
      case COMPLETE, FUNCTION -> value;
      case PARTIAL_SET -> r.suffix == null ? new RegoType.Set(key == null ? RegoType.ANY : key) : RegoType.ANY;
      case PARTIAL_OBJECT -> suffix.size() == 1 ? RegoType.Object.of(suffix.get(0), value) : RegoType.ANY;
    };
    ruleTypes.put(r, out);
    return out;
  }

  /** The type of a rule node's value (a function node: its result). */
  private RegoType nodeType(Node n) {
    RegoType t = nodeTypes.get(n);
    if (t != null) {
      return t;
    }
    if (inProgress.containsKey(n)) {
      return RegoType.ANY;
    }
    inProgress.put(n, Boolean.TRUE);
    RegoType u = null;
    List<CRule> all = new ArrayList<>(n.complete);
    if (n.defaultRule != null) {
      all.add(n.defaultRule);
    }
    all.addAll(n.sets);
    all.addAll(n.objects);
    all.addAll(n.funcs);
    for (CRule r : all) {
      for (CRule c = r; c != null; c = c.elseRule) {
        u = RegoType.union(u, ruleType(c));
      }
    }
    if (!n.sets.isEmpty() && !n.objects.isEmpty()) {
      u = RegoType.ANY;
    }
    u = u == null ? RegoType.ANY : u;
    inProgress.remove(n);
    nodeTypes.put(n, u);
    return u;
  }

  // ---- METADATA schemas

  private List<Override> overrides(CRule r) {
    if (r.annotations == null && r.packageAnnotations == null) {
      return List.of();
    }
    List<Override> out = new ArrayList<>();
    out.addAll(annotationSchemas(r.packageAnnotations, r.loc));
    out.addAll(annotationSchemas(r.annotations, r.loc));
    return out;
  }

  private List<Override> annotationSchemas(Value annotations, Loc loc) {
    if (!(annotations instanceof ObjectValue o) || o.get("schemas") == null) {
      return List.of();
    }
    List<Override> cached = annotationOverrides.get(annotations);
    if (cached != null) {
      return cached;
    }
    List<Override> out = new ArrayList<>();
    if (!(o.get("schemas") instanceof ArrayValue list)) {
      error("METADATA schemas: must be a list of {path: schema} entries", loc);
      annotationOverrides.put(annotations, out);
      return out;
    }
    for (Value entry : list.asList()) {
      if (!(entry instanceof ObjectValue e) || e.size() != 1) {
        error("METADATA schemas: each entry must map one path (input... or data...) to a schema", loc);
        continue;
      }
      Value pathKey = e.sortedKeys().get(0);
      String path = pathKey instanceof StringValue s ? s.value() : pathKey.toJson();
      List<String> parts = refParts(path);
      if (parts == null || parts.isEmpty() || !(parts.get(0).equals("input") || parts.get(0).equals("data"))) {
        error("METADATA schemas: path " + path + " must start with input or data", loc);
        continue;
      }
      Value spec = e.get(pathKey);
      Value schema;
      if (spec instanceof StringValue s) {
        List<String> ref = refParts(s.value());
        if (ref == null || ref.isEmpty() || !ref.get(0).equals("schema")) {
          error("METADATA schemas: " + path + ": expected a reference like schema.input, got " + s.value(), loc);
          continue;
        }
        schema = namedSchemas.get(String.join("/", ref.subList(1, ref.size())));
        if (schema == null) {
          error("METADATA schemas: " + path + ": undefined schema " + s.value(), loc);
          continue;
        }
      } else {
        schema = spec; // inline schema
      }
      List<Value> segs = new ArrayList<>();
      for (String p : parts.subList(1, parts.size())) {
        segs.add(StringValue.of(p));
      }
      out.add(new Override(parts.get(0).equals("input"), List.copyOf(segs),
          schemaType(schema, "METADATA schemas: " + path, loc)));
    }
    annotationOverrides.put(annotations, out);
    return out;
  }

  /** {@code a.b["c-d"].e} as its parts, or null when malformed. */
  static List<String> refParts(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    StringBuilder cur = new StringBuilder();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '.') {
        if (cur.isEmpty()) {
          return null;
        }
        out.add(cur.toString());
        cur.setLength(0);
        i++;
      } else if (c == '[') {
        if (!cur.isEmpty()) {
          out.add(cur.toString());
          cur.setLength(0);
        }
        int end = text.indexOf(']', i);
        if (end < 0 || end < i + 3 || text.charAt(i + 1) != '"' || text.charAt(end - 1) != '"') {
          return null;
        }
        out.add(text.substring(i + 2, end - 1));
        i = end + 1;
        if (i < n && text.charAt(i) == '.') {
          i++;
        }
      } else {
        cur.append(c);
        i++;
      }
    }
    if (!cur.isEmpty()) {
      out.add(cur.toString());
    }
    return out;
  }

  // ---- bodies

  private static final class Env {
    final RegoType[] slots;
    final List<Override> overrides;

    Env(int n, List<Override> overrides) {
      this.slots = new RegoType[n];
      this.overrides = overrides;
    }
  }

  private void body(Env env, Expr[] exprs) {
    for (Expr e : exprs) {
      expr(env, e);
    }
  }

  private void expr(Env env, Expr e) {
    for (With w : e.withs()) {
      // as OPA: the replacement value is typed for its own sake, not against the target
      if (!(w.value() instanceof Call c && c.args().isEmpty())) {
        type(env, w.value());
      }
    }
    switch (e) {
      case TermExpr te -> type(env, te.term());
      case SomeIn si -> {
        RegoType coll = type(env, si.collection());
        RegoType elems = elementsOrAny(coll);
        if (si.key() != null) {
          RegoType keys = RegoType.keys(coll);
          bindOrCheck(env, si.key(), keys == null ? RegoType.ANY : keys);
        }
        bindOrCheck(env, si.value(), elems);
      }
      case Every ev -> {
        RegoType dom = type(env, ev.domain());
        RegoType elems = elementsOrAny(dom);
        if (ev.key() != null) {
          RegoType keys = RegoType.keys(dom);
          bind(env, ev.key(), keys == null ? RegoType.ANY : keys);
        }
        bind(env, ev.value(), elems);
        body(env, ev.body().array());
      }
      case SomeDecl sd -> {}
    }
  }

  /** Element type; a scalar domain is no type error in OPA (the iteration is undefined). */
  private static RegoType elementsOrAny(RegoType coll) {
    RegoType el = RegoType.elements(coll);
    return el == null ? RegoType.ANY : el;
  }

  // ---- terms

  private RegoType type(Env env, Term t) {
    return switch (t) {
      case Scalar s -> RegoType.of(s.value());
      case Var v -> varType(env, v);
      case Ref r -> ref(env, r);
      case ArrayTerm a -> {
        List<RegoType> items = new ArrayList<>(a.items().size());
        for (Term x : a.items()) {
          items.add(type(env, x));
        }
        yield new RegoType.Array(List.copyOf(items), null);
      }
      case SetTerm s -> {
        RegoType u = null;
        for (Term x : s.items()) {
          u = RegoType.union(u, type(env, x));
        }
        yield new RegoType.Set(u == null ? RegoType.ANY : u);
      }
      case ObjectTerm o -> {
        Map<Value, RegoType> fixed = new java.util.LinkedHashMap<>();
        RegoType dk = null;
        RegoType dv = null;
        for (int i = 0; i < o.keys().size(); i++) {
          Term k = o.keys().get(i);
          RegoType vt = type(env, o.values().get(i));
          if (k instanceof Scalar sk) {
            fixed.put(sk.value(), vt);
          } else {
            dk = RegoType.union(dk, type(env, k));
            dv = RegoType.union(dv, vt);
          }
        }
        yield new RegoType.Object(fixed, dk, dv);
      }
      case Call c -> call(env, c);
      case Compr c -> {
        body(env, c.body().array());
        RegoType v = type(env, c.value());
        yield switch (c.kind()) {
          case ARRAY -> RegoType.Array.of(v);
          case SET -> new RegoType.Set(v);
          case OBJECT -> RegoType.Object.of(type(env, c.key()), v);
        };
      }
    };
  }

  private RegoType varType(Env env, Var v) {
    if (v.slot() == Compiler.INPUT_SLOT) {
      Override o = override(env, true, List.of());
      return o != null ? o.type() : inputType;
    }
    if (v.slot() >= 0 && v.slot() < env.slots.length) {
      RegoType t = env.slots[v.slot()];
      return t == null ? RegoType.ANY : t;
    }
    return RegoType.ANY;
  }

  private static boolean unbound(Env env, Term t) {
    return t instanceof Var v && v.slot() >= 0 && v.slot() < env.slots.length && env.slots[v.slot()] == null;
  }

  /** Whether a term holds a variable not bound yet: it is a pattern to bind, not a value. */
  private static boolean hasUnbound(Env env, Term t) {
    return switch (t) {
      case Var v -> unbound(env, v);
      case ArrayTerm a -> a.items().stream().anyMatch(x -> hasUnbound(env, x));
      case ObjectTerm o -> o.values().stream().anyMatch(x -> hasUnbound(env, x));
      default -> false;
    };
  }

  /** Gives the unbound variables of a pattern their types from {@code t}. */
  private void bind(Env env, Term pattern, RegoType t) {
    switch (pattern) {
      case Var v -> {
        if (unbound(env, v)) {
          env.slots[v.slot()] = t;
        }
      }
      case ArrayTerm a -> {
        for (int i = 0; i < a.items().size(); i++) {
          RegoType e = RegoType.select(t, NumberValue.of(i));
          bind(env, a.items().get(i), e == null ? RegoType.ANY : e);
        }
      }
      case ObjectTerm o -> {
        for (int i = 0; i < o.keys().size(); i++) {
          RegoType e = o.keys().get(i) instanceof Scalar k ? RegoType.select(t, k.value()) : null;
          bind(env, o.values().get(i), e == null ? RegoType.ANY : e);
        }
      }
      default -> type(env, pattern);
    }
  }

  /** Binds a pattern, or checks a bound term against the type it must match. */
  private void bindOrCheck(Env env, Term pattern, RegoType t) {
    if (hasUnbound(env, pattern)) {
      bind(env, pattern, t);
      return;
    }
    RegoType have = type(env, pattern);
    if (!RegoType.overlaps(have, t)) {
      error("match error: left: " + have + ", right: " + t, pattern.loc());
    }
  }

  private void unify(Env env, Term a, Term b, Loc loc) {
    boolean ua = hasUnbound(env, a);
    boolean ub = hasUnbound(env, b);
    if (ua && ub) {
      if (a instanceof ArrayTerm x && b instanceof ArrayTerm y && x.items().size() == y.items().size()) {
        for (int i = 0; i < x.items().size(); i++) {
          unify(env, x.items().get(i), y.items().get(i), loc);
        }
        return;
      }
      if (a instanceof ObjectTerm x && b instanceof ObjectTerm y) {
        for (int i = 0; i < x.keys().size(); i++) {
          int j = Compiler.indexOfKey(y.keys(), x.keys().get(i));
          if (j >= 0) {
            unify(env, x.values().get(i), y.values().get(j), loc);
          }
        }
      }
      bind(env, a, RegoType.ANY);
      bind(env, b, RegoType.ANY);
      return;
    }
    if (ua) {
      bindPattern(env, a, type(env, b), loc);
      return;
    }
    if (ub) {
      bindPattern(env, b, type(env, a), loc);
      return;
    }
    RegoType ta = type(env, a);
    RegoType tb = type(env, b);
    if (!RegoType.overlaps(ta, tb)) {
      error("match error: left: " + ta + ", right: " + tb, loc);
    }
  }

  /** Binds a pattern's variables; its bound parts must match the value's type. */
  private void bindPattern(Env env, Term pattern, RegoType t, Loc loc) {
    switch (pattern) {
      case Var v -> bind(env, v, t);
      case ArrayTerm a -> {
        if (!RegoType.overlaps(new RegoType.Array(anyList(a.items().size()), null), t)) {
          error("match error: left: " + t + ", right: array of " + a.items().size(), loc);
          bind(env, a, RegoType.ANY);
          return;
        }
        for (int i = 0; i < a.items().size(); i++) {
          RegoType e = RegoType.select(t, NumberValue.of(i));
          unifyWithType(env, a.items().get(i), e == null ? RegoType.ANY : e, loc);
        }
      }
      case ObjectTerm o -> {
        if (!RegoType.overlaps(RegoType.Object.of(RegoType.ANY, RegoType.ANY), t)) {
          error("match error: left: " + t + ", right: object", loc);
          bind(env, o, RegoType.ANY);
          return;
        }
        for (int i = 0; i < o.keys().size(); i++) {
          RegoType e = o.keys().get(i) instanceof Scalar k ? RegoType.select(t, k.value()) : null;
          unifyWithType(env, o.values().get(i), e == null ? RegoType.ANY : e, loc);
        }
      }
      default -> type(env, pattern);
    }
  }

  private void unifyWithType(Env env, Term item, RegoType t, Loc loc) {
    if (hasUnbound(env, item)) {
      bindPattern(env, item, t, loc);
      return;
    }
    RegoType have = type(env, item);
    if (!RegoType.overlaps(have, t)) {
      error("match error: left: " + have + ", right: " + t, loc);
    }
  }

  private static List<RegoType> anyList(int n) {
    List<RegoType> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(RegoType.ANY);
    }
    return out;
  }

  // ---- calls

  private RegoType call(Env env, Call c) {
    Plan.Target target = c.target();
    if (target == null) {
      c.args().forEach(a -> type(env, a));
      return RegoType.ANY;
    }
    if (target.special() == Special.EQ || target.special() == Special.ASSIGN) {
      if (c.args().size() == 2) {
        unify(env, c.args().get(0), c.args().get(1), c.loc());
      }
      return RegoType.BOOLEAN;
    }
    switch (target.special()) {
      case PRINT -> {
        c.args().forEach(a -> type(env, a));
        return RegoType.BOOLEAN;
      }
      case METADATA_RULE -> {
        return output(env, c, 0, RegoType.Object.of(RegoType.ANY, RegoType.ANY));
      }
      case METADATA_CHAIN -> {
        return output(env, c, 0, RegoType.Array.of(RegoType.ANY));
      }
      case PARSE_MODULE -> {
        return checked(env, c, BuiltinTypes.signature("(string, string) object"));
      }
      default -> {}
    }
    if (target.func() != null) {
      int arity = target.arity();
      for (int i = 0; i < Math.min(arity, c.args().size()); i++) {
        type(env, c.args().get(i));
      }
      return output(env, c, arity, nodeType(target.func()));
    }
    BuiltinTypes.Signature sig = target.builtin() == null ? null : BuiltinTypes.of(target.builtin().name());
    if (sig == null) {
      int arity = target.arity() < 0 ? c.args().size() : target.arity();
      for (int i = 0; i < Math.min(arity, c.args().size()); i++) {
        type(env, c.args().get(i));
      }
      return output(env, c, arity, RegoType.ANY);
    }
    return checked(env, c, sig);
  }

  private RegoType checked(Env env, Call c, BuiltinTypes.Signature sig) {
    int arity = sig.args().size();
    int n = Math.min(arity, c.args().size());
    List<RegoType> have = new ArrayList<>(n);
    boolean ok = true;
    for (int i = 0; i < n; i++) {
      RegoType t = type(env, c.args().get(i));
      have.add(t);
      ok &= RegoType.overlaps(sig.args().get(i), t);
    }
    if (!ok) {
      error(c.name() + ": invalid argument(s): have (" + join(have) + "), want (" + join(sig.args()) + ")", c.loc());
    }
    return output(env, c, arity, sig.result());
  }

  /** The result of a call; with an output operand ({@code f(x, y)}), that operand gets it. */
  private RegoType output(Env env, Call c, int arity, RegoType result) {
    if (c.args().size() == arity + 1) {
      Term out = c.args().get(arity);
      if (hasUnbound(env, out)) {
        bindPattern(env, out, result, c.loc());
      } else {
        RegoType have = type(env, out);
        if (!RegoType.overlaps(have, result)) {
          error(c.name() + ": invalid output: have " + have + ", want " + result, c.loc());
        }
      }
      return RegoType.BOOLEAN;
    }
    return result;
  }

  private static String join(List<RegoType> types) {
    StringJoiner j = new StringJoiner(", ");
    types.forEach(t -> j.add(t.toString()));
    return j.toString();
  }

  // ---- references

  private RegoType ref(Env env, Ref r) {
    List<Term> path = r.path();
    RegoType t;
    int from = 0;
    if (r.head() instanceof Var v && v.slot() == Compiler.INPUT_SLOT) {
      t = inputType;
      Override o = override(env, true, path);
      if (o != null) {
        t = o.type();
        from = o.path().size();
      }
    } else if (r.head() instanceof Var v && v.slot() == Compiler.DATA_SLOT) {
      Override o = override(env, false, path);
      if (o != null) {
        t = o.type();
        from = o.path().size();
      } else {
        // the node the constant prefix reaches (names written without data. carry no rule node)
        Node n = compiler.root;
        int depth = 0;
        while (!n.hasRules() && depth < path.size() && path.get(depth) instanceof Scalar s
            && n.children.get(s.value()) != null) {
          n = n.children.get(s.value());
          depth++;
        }
        if (n.hasRules() && !n.isFunction) {
          t = nodeType(n);
          from = depth;
        } else {
          t = RegoType.ANY;
          from = path.size();
        }
      }
      for (int i = 0; i < from; i++) {
        if (hasUnbound(env, path.get(i))) {
          bind(env, path.get(i), RegoType.ANY);
        } else {
          type(env, path.get(i));
        }
      }
    } else {
      t = type(env, r.head());
    }
    for (int i = from; i < path.size(); i++) {
      Term seg = path.get(i);
      RegoType next;
      if (seg instanceof Scalar s) {
        next = RegoType.select(t, s.value());
      } else if (hasUnbound(env, seg)) {
        RegoType keys = RegoType.keys(t);
        if (keys != null) {
          bind(env, seg, keys);
        }
        next = RegoType.elements(t);
      } else {
        RegoType kt = type(env, seg);
        RegoType keys = RegoType.keys(t);
        next = keys == null || !RegoType.overlaps(keys, kt) ? null : RegoType.elements(t);
      }
      if (next == null) {
        error("undefined ref: " + text(r) + have(t, i, path), r.loc());
        for (int j = i + 1; j < path.size(); j++) {
          if (hasUnbound(env, path.get(j))) {
            bind(env, path.get(j), RegoType.ANY);
          } else {
            type(env, path.get(j));
          }
        }
        return RegoType.ANY;
      }
      t = next;
    }
    return t;
  }

  private static String have(RegoType t, int i, List<Term> path) {
    if (t instanceof RegoType.Object o && !o.fixed().isEmpty()) {
      StringJoiner j = new StringJoiner(", ", " (", ")");
      o.fixed().keySet().forEach(k -> j.add(k instanceof StringValue s ? s.value() : k.toJson()));
      return ": " + text(path.get(i)) + " is not one of the fields" + j;
    }
    return ": " + text(path.get(i)) + " cannot index " + t;
  }

  /** The schema covering the longest constant prefix of a path (later entries win ties). */
  private static Override override(Env env, boolean input, List<Term> path) {
    Override best = null;
    for (Override o : env.overrides) {
      if (o.input() != input || o.path().size() > path.size()) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < o.path().size() && match; i++) {
        match = path.get(i) instanceof Scalar s && s.value().equals(o.path().get(i));
      }
      if (match && (best == null || o.path().size() >= best.path().size())) {
        best = o;
      }
    }
    return best;
  }

  /** A term as Rego text, for messages. */
  static String text(Term t) {
    return switch (t) {
      case Scalar s -> s.value().toJson();
      case Var v -> v.isWildcard() ? "_" : v.name();
      case Ref r -> {
        StringBuilder sb = new StringBuilder(r.head() instanceof Var || r.head() instanceof Scalar
            ? text(r.head()) : "(" + text(r.head()) + ")");
        for (Term p : r.path()) {
          if (p instanceof Scalar s && s.value() instanceof StringValue sv && Node.isIdent(sv.value())) {
            sb.append('.').append(sv.value());
          } else {
            sb.append('[').append(text(p)).append(']');
          }
        }
        yield sb.toString();
      }
      case Call c -> c.name() + "(...)";
      case ArrayTerm a -> "[...]";
      case SetTerm s -> "{...}";
      case ObjectTerm o -> "{...}";
      case Compr c -> "comprehension";
    };
  }
}
