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
import dev.tollgate.rego.Plan.RuleIndex;
import dev.tollgate.rego.Plan.Special;
import dev.tollgate.rego.Plan.Target;
import dev.tollgate.rego.builtins.Builtin;
import dev.tollgate.rego.builtins.BuiltinCache;
import dev.tollgate.rego.builtins.BuiltinContext;
import dev.tollgate.rego.builtins.BuiltinException;
import dev.tollgate.rego.builtins.RegoText;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One evaluation: top-down with backtracking in continuation-passing style. Not thread-safe; a
 * new instance per evaluation. Continuations return {@code true} to stop the search.
 */
final class Eval implements BuiltinContext {
  interface K {
    boolean go();
  }

  interface VK {
    boolean accept(Value v);
  }

  private interface ArgsK {
    boolean accept(Value[] vs);
  }

  private static final Value UNDEF = StringValue.of("\u0000undefined");
  /** This policy revision's shared documents and function results. */
  private final RevisionMemo revision;

  private final CompiledPolicy policy;
  private final EvalOptions opts;
  private Value[] frame;
  /** The rule being evaluated, for rego.metadata.*. */
  private CRule current;
  private Value input;
  private Value baseData;
  private Memo memo;

  /** What one evaluation context (no with, or one with scope) remembers: documents and calls. */
  private static final class Memo {
    private static final int INLINE_CALLS = 8;

    final Value[] docs;
    // The first calls in a table scanned in order (most evaluations make a few), then a map.
    private Node[] callFns;
    private Value[][] callArgs;
    private Value[] callResults;
    private int inline;
    private HashMap<CallKey, Value> calls;

    Memo(int nodes) {
      docs = new Value[nodes];
    }

    /** The remembered result of {@code fn(args)} (UNDEF included), or null. */
    Value call(Node fn, Value[] args) {
      for (int i = 0; i < inline; i++) {
        if (callFns[i] == fn && java.util.Arrays.equals(callArgs[i], args)) {
          return callResults[i];
        }
      }
      return calls == null ? null : calls.get(new CallKey(fn, args));
    }

    void putCall(Node fn, Value[] args, Value result) {
      if (callFns == null) {
        callFns = new Node[INLINE_CALLS];
        callArgs = new Value[INLINE_CALLS][];
        callResults = new Value[INLINE_CALLS];
      }
      if (inline < INLINE_CALLS) {
        callFns[inline] = fn;
        callArgs[inline] = args;
        callResults[inline++] = result;
        return;
      }
      if (calls == null) {
        calls = new HashMap<>();
      }
      calls.put(new CallKey(fn, args), result);
    }
  }

  /** A function call's memo key; the argument array is not modified after the call. */
  private record CallKey(Node fn, Value[] args) {
    @Override
    public boolean equals(Object o) {
      return o instanceof CallKey k && k.fn == fn && java.util.Arrays.equals(k.args, args);
    }

    @Override
    public int hashCode() {
      return fn.id * 31 + java.util.Arrays.hashCode(args);
    }
  }
  private Map<String, Object> mocks;
  private List<List<Value>> masked;
  private List<Object[]> dataOverlays;
  private long steps;
  private final long maxSteps;
  private final long deadline;
  private int depth;
  private final int maxDepth;
  private Map<Object, Object> evalCache;
  private RandomGenerator random;
  private final long now;
  /** Observes this evaluation for tools; null on the normal path. */
  EvalListener listener;

  Eval(CompiledPolicy policy, EvalOptions opts) {
    this(policy, opts, opts.input());
  }

  /** Evaluates with {@code input} in place of the options' input. */
  Eval(CompiledPolicy policy, EvalOptions opts, Value input) {
    this.policy = policy;
    this.opts = opts;
    this.input = input;
    this.baseData = policy.baseData();
    this.memo = new Memo(policy.nodeCount());
    this.revision = policy.revisionMemo(opts.strictBuiltinErrors());
    EvalLimits l = opts.limits() != null ? opts.limits() : policy.limits();
    this.maxSteps = l.maxSteps();
    this.maxDepth = l.maxDepth();
    this.deadline = l.maxWallNanos() > 0 ? System.nanoTime() + l.maxWallNanos() : Long.MAX_VALUE;
    this.now = opts.nowNanos() != null ? opts.nowNanos() : System.currentTimeMillis() * 1_000_000L;
  }

  // ---- BuiltinContext

  @Override
  public long nowNanos() {
    return now;
  }

  @Override
  public RandomGenerator random() {
    if (random == null) {
      random = new java.util.Random();
    }
    return random;
  }

  @Override
  public Map<Object, Object> evaluationCache() {
    if (evalCache == null) {
      evalCache = new HashMap<>();
    }
    return evalCache;
  }

  @Override
  public BuiltinCache policyCache() {
    return policy.builtinCache();
  }

  @Override
  public boolean strictBuiltinErrors() {
    return opts.strictBuiltinErrors();
  }

  @Override
  public void print(String line) {
    if (opts.printSink() != null) {
      opts.printSink().accept(line);
    }
  }

  @Override
  public Capabilities capabilities() {
    return opts.capabilities() != null ? opts.capabilities() : Capabilities.NONE;
  }

  @Override
  public Value runtime() {
    return policy.runtime();
  }

  // ---- entry points

  List<Map<String, Value>> query(Plan.Query q) {
    frame = new Value[q.nslots()];
    List<Map<String, Value>> out = new ArrayList<>();
    evalBody(q.body(), 0, () -> {
      Map<String, Value> row = new LinkedHashMap<>();
      for (int i = 0; i < q.resultSlots().length; i++) {
        Value v = frame[q.resultSlots()[i]];
        if (v != null) {
          row.put(q.resultNames()[i], v);
        }
      }
      out.add(row);
      return false;
    });
    return out;
  }

  private static final Value[] NO_SLOTS = new Value[0];
  /** A continuation that stops the search at the first solution. */
  private static final K FOUND = () -> true;

  /** The value of the document at a ground path under data, or null when undefined. */
  Value document(List<Term> path) {
    frame = NO_SLOTS;
    return dataLookup(path, 0);
  }

  /** The same, starting from the rule node the path's prefix leads to. */
  Value document(Node node, List<Term> path, int depth) {
    frame = NO_SLOTS;
    return lookupFrom(node, path, depth);
  }

  // ---- errors and limits

  static RegoEvalException error(String code, String msg, Loc loc) {
    return new RegoEvalException(new RegoError(code, msg, loc == null ? "" : loc.toString()));
  }

  private void step() {
    if (++steps > maxSteps) {
      throw error("eval_cancel_error", "evaluation exceeded the step limit (" + maxSteps + ")", null);
    }
    if ((steps & 1023) == 0 && System.nanoTime() > deadline) {
      throw error("eval_cancel_error", "evaluation exceeded the time limit", null);
    }
  }

  @Override
  public void charge(long units) {
    if (units <= 0) {
      return;
    }
    steps = units > Long.MAX_VALUE - steps ? Long.MAX_VALUE : steps + units;
    if (steps > maxSteps) {
      throw error("eval_cancel_error", "evaluation exceeded the step limit (" + maxSteps + ")", null);
    }
    if (System.nanoTime() > deadline) {
      throw error("eval_cancel_error", "evaluation exceeded the time limit", null);
    }
  }

  private void enter(Loc loc) {
    if (++depth > maxDepth) {
      throw error("eval_cancel_error", "evaluation exceeded the depth limit (" + maxDepth + ")", loc);
    }
  }

  // ---- bodies and expressions

  /**
   * Evaluates {@code body} from expression {@code i}. Runs of expressions that need no search
   * (checks and single assignments on deterministic terms) are evaluated in a loop, without
   * continuations; the variables they bind are released when the search returns.
   */
  boolean evalBody(Expr[] body, int i, K k) {
    long bound = 0;
    boolean halt;
    try {
      while (true) {
        if (i == body.length) {
          halt = k.go();
          break;
        }
        Expr e = body[i];
        if (listener != null) {
          listener.expression(e.loc().toString());
        }
        int r = direct(e);
        if (r == DIRECT_NO) {
          int next = i + 1;
          halt = evalExpr(e, () -> evalBody(body, next, k));
          break;
        }
        if (r == DIRECT_FAIL) {
          halt = false;
          break;
        }
        if (r >= 0) {
          bound |= 1L << r;
        }
        i++;
      }
    } finally {
      if (bound != 0) {
        Value[] f = frame;
        for (int s = 0; bound != 0; s++, bound >>>= 1) {
          if ((bound & 1) != 0) {
            f[s] = null;
          }
        }
      }
    }
    return halt;
  }

  private static final int DIRECT_NO = -3;
  private static final int DIRECT_FAIL = -2;
  private static final int DIRECT_OK = -1;

  /**
   * Evaluates an expression that needs no search: returns DIRECT_NO when it does need one,
   * DIRECT_FAIL when it fails, DIRECT_OK when it holds, or the slot (below 64) it bound.
   */
  private int direct(Expr e) {
    if (!(e instanceof TermExpr te) || !te.withs().isEmpty()) {
      return DIRECT_NO;
    }
    Term t = te.term();
    if (t instanceof Call c && c.target() != null
        && (c.target().special() == Special.EQ || c.target().special() == Special.ASSIGN)) {
      if (te.negated()) {
        return DIRECT_NO;
      }
      Term a = c.args().get(0);
      Term b = c.args().get(1);
      if (a instanceof Var va && va.slot() >= 0 && va.slot() < 64 && frame[va.slot()] == null && det(b)) {
        step();
        Value v = evalDet(b);
        if (v == null) {
          return DIRECT_FAIL;
        }
        frame[va.slot()] = v;
        return va.slot();
      }
      if (b instanceof Var vb && vb.slot() >= 0 && vb.slot() < 64 && frame[vb.slot()] == null && det(a)) {
        step();
        Value v = evalDet(a);
        if (v == null) {
          return DIRECT_FAIL;
        }
        frame[vb.slot()] = v;
        return vb.slot();
      }
      if (det(a) && det(b)) {
        step();
        Value x = evalDet(a);
        if (x == null) {
          return DIRECT_FAIL;
        }
        Value y = evalDet(b);
        return y != null && x.equals(y) ? DIRECT_OK : DIRECT_FAIL;
      }
      return DIRECT_NO;
    }
    if (t instanceof Call c && c.target() != null && c.target().arity() >= 0
        && c.args().size() == c.target().arity() + 1) {
      return DIRECT_NO;
    }
    if (!det(t)) {
      return DIRECT_NO;
    }
    step();
    if (t instanceof Call c && c.args().size() == 2 && c.target().builtin() != null && mocks == null) {
      String op = c.target().key();
      int cmp = switch (op) {
        case "equal" -> 0;
        case "neq" -> 1;
        default -> -1;
      };
      if (cmp >= 0) {
        Value x = evalDet(c.args().get(0));
        if (x == null) {
          return te.negated() ? DIRECT_OK : DIRECT_FAIL;
        }
        Value y = evalDet(c.args().get(1));
        if (y == null) {
          return te.negated() ? DIRECT_OK : DIRECT_FAIL;
        }
        boolean holds = x.equals(y) == (cmp == 0);
        return holds != te.negated() ? DIRECT_OK : DIRECT_FAIL;
      }
    }
    Value v = evalDet(t);
    boolean holds = v != null && !(v instanceof BooleanValue bv && !bv.value());
    return holds != te.negated() ? DIRECT_OK : DIRECT_FAIL;
  }

  private boolean evalExpr(Expr e, K k) {
    step();
    if (!e.withs().isEmpty()) {
      return evalWith(e, k);
    }
    if (e.negated()) {
      boolean found = evalPositive(e, () -> true);
      return !found && k.go();
    }
    return evalPositive(e, k);
  }

  private boolean evalPositive(Expr e, K k) {
    switch (e) {
      case TermExpr te -> {
        Term t = te.term();
        if (t instanceof Call c && c.target() != null) {
          Target tg = c.target();
          if (tg.special() == Special.EQ || tg.special() == Special.ASSIGN) {
            return unify(c.args().get(0), c.args().get(1), k);
          }
          if (tg.arity() >= 0 && c.args().size() == tg.arity() + 1) {
            Term out = c.args().get(c.args().size() - 1);
            return evalCall(c, tg.arity(), v -> unifyValue(out, v, k));
          }
        }
        if (det(t)) {
          Value v = evalDet(t);
          return v != null && !(v instanceof BooleanValue b && !b.value()) && k.go();
        }
        return evalTerm(t, v -> (v instanceof BooleanValue b && !b.value()) ? false : k.go());
      }
      case SomeIn si -> {
        return evalTerm(si.collection(), coll -> iterate(coll, (key, val) ->
            si.key() == null
                ? unifyValue(si.value(), val, k)
                : unifyValue(si.key(), key, () -> unifyValue(si.value(), val, k))));
      }
      case Every ev -> {
        boolean[] defined = {false};
        boolean[] ok = {true};
        evalTerm(ev.domain(), coll -> {
          if (!(coll instanceof ArrayValue || coll instanceof ObjectValue || coll instanceof SetValue)) {
            return true;
          }
          defined[0] = true;
          iterate(coll, (key, val) -> {
            K body = () -> evalBody(ev.body().array(), 0, () -> true);
            boolean found = ev.key() == null
                ? unifyValue(ev.value(), val, body)
                : unifyValue(ev.key(), key, () -> unifyValue(ev.value(), val, body));
            if (!found) {
              ok[0] = false;
              return true;
            }
            return false;
          });
          return true;
        });
        if (!ok[0] || !defined[0]) {
          return false;
        }
        return k.go();
      }
      case SomeDecl sd -> {
        return k.go();
      }
    }
  }

  private interface KV {
    boolean accept(Value key, Value val);
  }

  private boolean iterate(Value coll, KV kv) {
    switch (coll) {
      case ArrayValue a -> {
        for (int i = 0; i < a.size(); i++) {
          step();
          if (kv.accept(NumberValue.of(i), a.get(i))) {
            return true;
          }
        }
      }
      case ObjectValue o -> {
        for (Value key : o.sortedKeys()) {
          step();
          if (kv.accept(key, o.get(key))) {
            return true;
          }
        }
      }
      case SetValue s -> {
        for (Value x : s.sorted()) {
          step();
          if (kv.accept(x, x)) {
            return true;
          }
        }
      }
      default -> {}
    }
    return false;
  }

  // ---- with

  private boolean evalWith(Expr e, K k) {
    // evaluate replacement values in the current frame first
    List<With> withs = e.withs();
    Object[] values = new Object[withs.size()];
    for (int i = 0; i < withs.size(); i++) {
      With w = withs.get(i);
      if (w.value() instanceof Call c && c.args().isEmpty() && c.target() != null
          && (c.target().builtin() != null || c.target().func() != null) && !(c.name().equals("print"))) {
        values[i] = c.target();
      } else {
        Value[] holder = new Value[1];
        evalTerm(w.value(), v -> {
          holder[0] = v;
          return true;
        });
        if (holder[0] == null) {
          return false;
        }
        values[i] = holder[0];
      }
    }
    State saved = save();
    apply(withs, values);
    K inner = () -> {
      State here = save();
      restore(saved);
      boolean halt = k.go();
      restore(here);
      return halt;
    };
    boolean halt;
    try {
      if (e.negated()) {
        boolean found = evalPositive(stripWith(e), () -> true);
        restore(saved);
        return !found && k.go();
      }
      halt = evalPositive(stripWith(e), inner);
    } finally {
      restore(saved);
    }
    return halt;
  }

  private static Expr stripWith(Expr e) {
    return switch (e) {
      case TermExpr te -> new TermExpr(te.loc(), te.negated(), te.term(), List.of());
      case SomeIn si -> new SomeIn(si.loc(), si.key(), si.value(), si.collection(), si.negated(), List.of());
      case Every ev -> new Every(ev.loc(), ev.key(), ev.value(), ev.domain(), ev.body(), ev.negated(), List.of());
      case SomeDecl sd -> sd;
    };
  }

  private record State(Value input, Value baseData, Memo cache, Map<String, Object> mocks,
      List<List<Value>> masked, List<Object[]> overlays) {}

  private State save() {
    return new State(input, baseData, memo, mocks, masked, dataOverlays);
  }

  private void restore(State s) {
    input = s.input;
    baseData = s.baseData;
    memo = s.cache;
    mocks = s.mocks;
    masked = s.masked;
    dataOverlays = s.overlays;
  }

  private void apply(List<With> withs, Object[] values) {
    memo = new Memo(policy.nodeCount());
    for (int i = 0; i < withs.size(); i++) {
      With w = withs.get(i);
      Object val = values[i];
      Term target = w.target();
      if (target instanceof Call c) {
        mocks = mocks == null ? new HashMap<>() : new HashMap<>(mocks);
        mocks.put(c.target().key(), val);
        continue;
      }
      Var head = target instanceof Var v ? v : (Var) ((Ref) target).head();
      List<Value> path = new ArrayList<>();
      if (target instanceof Ref r) {
        for (Term p : r.path()) {
          path.add(((Scalar) p).value());
        }
      }
      Value v = val instanceof Value x ? x : null;
      if (v == null) {
        throw error("eval_type_error", "with: function value cannot replace a document", w.loc());
      }
      if (head.slot() == Compiler.INPUT_SLOT) {
        input = path.isEmpty() ? v : setPath(input, path, 0, v);
      } else {
        baseData = setPath(baseData, path, 0, v);
        masked = masked == null ? new ArrayList<>() : new ArrayList<>(masked);
        masked.add(path);
        dataOverlays = dataOverlays == null ? new ArrayList<>() : new ArrayList<>(dataOverlays);
        dataOverlays.add(new Object[] {path, v});
      }
    }
  }

  private static Value setPath(Value base, List<Value> path, int i, Value v) {
    if (i == path.size()) {
      return v;
    }
    ObjectValue obj = base instanceof ObjectValue o ? o : ObjectValue.EMPTY;
    Value child = obj.get(path.get(i));
    return obj.with(path.get(i), setPath(child, path, i + 1, v));
  }

  private boolean isMasked(Node n) {
    if (masked == null) {
      return false;
    }
    for (List<Value> m : masked) {
      if (m.size() <= n.path.size() && n.path.subList(0, m.size()).equals(m)) {
        return true;
      }
    }
    return false;
  }

  private Value applyOverlaysBelow(Node n, Value doc) {
    if (dataOverlays == null) {
      return doc;
    }
    for (Object[] o : dataOverlays) {
      @SuppressWarnings("unchecked")
      List<Value> p = (List<Value>) o[0];
      if (p.size() > n.path.size() && p.subList(0, n.path.size()).equals(n.path)) {
        doc = setPath(doc, p.subList(n.path.size(), p.size()), 0, (Value) o[1]);
      }
    }
    return doc;
  }

  // ---- unification

  private boolean groundNow(Term t) {
    return switch (t) {
      case Var v -> v.slot() < 0 || frame[v.slot()] != null;
      case ArrayTerm a -> {
        for (Term x : a.items()) {
          if (!groundNow(x)) {
            yield false;
          }
        }
        yield true;
      }
      case ObjectTerm o -> {
        for (Term x : o.values()) {
          if (!groundNow(x)) {
            yield false;
          }
        }
        yield true;
      }
      default -> true;
    };
  }

  boolean unify(Term a, Term b, K k) {
    if (det(a)) {
      Value va = evalDet(a);
      return va != null && unifyValue(b, va, k);
    }
    if (det(b)) {
      Value vb = evalDet(b);
      return vb != null && unifyValue(a, vb, k);
    }
    if (groundNow(a)) {
      return evalTerm(a, va -> unifyValue(b, va, k));
    }
    if (groundNow(b)) {
      return evalTerm(b, vb -> unifyValue(a, vb, k));
    }
    if (a instanceof ArrayTerm x && b instanceof ArrayTerm y) {
      if (x.items().size() != y.items().size()) {
        return false;
      }
      return unifyPairs(x.items(), y.items(), new boolean[x.items().size()], k);
    }
    if (a instanceof ObjectTerm x && b instanceof ObjectTerm y) {
      if (x.keys().size() != y.keys().size()) {
        return false;
      }
      List<Term> as = new ArrayList<>();
      List<Term> bs = new ArrayList<>();
      for (int i = 0; i < x.keys().size(); i++) {
        int j = Compiler.indexOfKey(y.keys(), x.keys().get(i));
        if (j < 0) {
          return false;
        }
        as.add(x.values().get(i));
        bs.add(y.values().get(j));
      }
      return unifyPairs(as, bs, new boolean[as.size()], k);
    }
    throw error("eval_internal_error", "unsafe unification", a.loc());
  }

  private boolean unifyPairs(List<Term> as, List<Term> bs, boolean[] done, K k) {
    int pick = -1;
    for (int i = 0; i < done.length; i++) {
      if (!done[i] && (groundNow(as.get(i)) || groundNow(bs.get(i)))) {
        pick = i;
        break;
      }
    }
    if (pick < 0) {
      for (int i = 0; i < done.length; i++) {
        if (!done[i]) {
          pick = i;
          break;
        }
      }
    }
    if (pick < 0) {
      return k.go();
    }
    int i = pick;
    done[i] = true;
    boolean halt = unify(as.get(i), bs.get(i), () -> unifyPairs(as, bs, done, k));
    done[i] = false;
    return halt;
  }

  boolean unifyValue(Term p, Value v, K k) {
    switch (p) {
      case Var var -> {
        int s = var.slot();
        if (s < 0) {
          return evalTerm(p, pv -> pv.equals(v) && k.go());
        }
        Value cur = frame[s];
        if (cur != null) {
          return cur.equals(v) && k.go();
        }
        Value[] f = frame;
        f[s] = v;
        boolean halt = k.go();
        f[s] = null;
        return halt;
      }
      case Scalar sc -> {
        return sc.value().equals(v) && k.go();
      }
      case ArrayTerm at -> {
        if (!(v instanceof ArrayValue a) || a.size() != at.items().size()) {
          return false;
        }
        return unifyElems(at.items(), a, 0, k);
      }
      case ObjectTerm ot -> {
        if (!(v instanceof ObjectValue o) || o.size() != ot.keys().size()) {
          return false;
        }
        return unifyObject(ot, o, 0, k);
      }
      default -> {
        return evalTerm(p, pv -> pv.equals(v) && k.go());
      }
    }
  }

  private boolean unifyElems(List<Term> items, ArrayValue a, int i, K k) {
    if (i == items.size()) {
      return k.go();
    }
    return unifyValue(items.get(i), a.get(i), () -> unifyElems(items, a, i + 1, k));
  }

  private boolean unifyObject(ObjectTerm ot, ObjectValue o, int i, K k) {
    if (i == ot.keys().size()) {
      return k.go();
    }
    return evalTerm(ot.keys().get(i), key -> {
      Value v = o.get(key);
      return v != null && unifyValue(ot.values().get(i), v, () -> unifyObject(ot, o, i + 1, k));
    });
  }

  // ---- deterministic terms: evaluated directly, without continuations

  /** Whether {@code t} has at most one value now: no unbound variables outside closures. */
  private boolean det(Term t) {
    switch (t) {
      case Scalar s -> {
        return true;
      }
      case Var v -> {
        return v.slot() < 0 || frame[v.slot()] != null;
      }
      case Ref r -> {
        if (r.ground()) {
          return true;
        }
        if (!det(r.head())) {
          return false;
        }
        List<Term> path = r.path();
        for (int i = 0, n = path.size(); i < n; i++) {
          if (!det(path.get(i))) {
            return false;
          }
        }
        return true;
      }
      case Call c -> {
        Target tg = c.target();
        if (tg == null || tg.special() != Special.NONE || mocks != null || c.args().size() != tg.arity()
            || (tg.builtin() != null && tg.builtin().relation())
            || (tg.func() != null && !tg.func().constValued && tg.func().funcs.size() > 1)) {
          return false;
        }
        List<Term> args = c.args();
        for (int i = 0, n = args.size(); i < n; i++) {
          if (!det(args.get(i))) {
            return false;
          }
        }
        return true;
      }
      case ArrayTerm a -> {
        return detAll(a.items());
      }
      case SetTerm st -> {
        return detAll(st.items());
      }
      case ObjectTerm o -> {
        return detAll(o.keys()) && detAll(o.values());
      }
      default -> {
        return false;
      }
    }
  }

  private boolean detAll(List<Term> ts) {
    for (int i = 0, n = ts.size(); i < n; i++) {
      if (!det(ts.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The single value of a term for which {@link #det} holds, or null when undefined. */
  private Value evalDet(Term t) {
    switch (t) {
      case Scalar s -> {
        return s.value();
      }
      case Var v -> {
        int s = v.slot();
        if (s >= 0) {
          return frame[s];
        }
        if (s == Compiler.INPUT_SLOT) {
          return input;
        }
        return dataLookup(List.of(), 0);
      }
      case Ref r -> {
        List<Term> path = r.path();
        Term head = r.head();
        Value cur;
        int i = 0;
        if (head instanceof Var v && v.slot() == Compiler.DATA_SLOT) {
          if (r.ruleNode() != null && masked == null) {
            return lookupFrom(r.ruleNode(), path, r.ruleDepth());
          }
          Ast.Ref.BasePrefix bp = basePrefix(r);
          if (bp == null) {
            return dataLookup(path, 0);
          }
          cur = bp.value();
          for (int j = bp.length(), n = path.size(); j < n && cur != null; j++) {
            Value key = evalDet(path.get(j));
            if (key == null) {
              return null;
            }
            Value child = lookup(cur, key);
            if (child == null && key instanceof NumberValue num && cur instanceof ObjectValue o) {
              child = o.get(StringValue.of(num.toString()));
            }
            cur = child;
          }
          return cur;
        }
        cur = evalDet(head);
        for (int n = path.size(); i < n && cur != null; i++) {
          Value key = evalDet(path.get(i));
          if (key == null) {
            return null;
          }
          cur = lookup(cur, key);
        }
        return cur;
      }
      case Call c -> {
        List<Term> args = c.args();
        Value[] vs = new Value[args.size()];
        for (int i = 0; i < vs.length; i++) {
          vs[i] = evalDet(args.get(i));
          if (vs[i] == null) {
            return null;
          }
        }
        Target tg = c.target();
        if (tg.func() != null) {
          return callFunction(tg.func(), vs, c.loc());
        }
        return invokeBuiltin(tg.builtin(), vs, c.loc());
      }
      case ArrayTerm a -> {
        Value[] vs = new Value[a.items().size()];
        for (int i = 0; i < vs.length; i++) {
          vs[i] = evalDet(a.items().get(i));
          if (vs[i] == null) {
            return null;
          }
        }
        return ArrayValue.wrap(vs);
      }
      case SetTerm st -> {
        Value[] vs = new Value[st.items().size()];
        for (int i = 0; i < vs.length; i++) {
          vs[i] = evalDet(st.items().get(i));
          if (vs[i] == null) {
            return null;
          }
        }
        return SetValue.of(vs);
      }
      case ObjectTerm o -> {
        List<Term> keys = o.keys();
        List<Term> values = o.values();
        int n = keys.size();
        Value[] ks = new Value[n];
        Value[] vs = new Value[n];
        for (int i = 0; i < n; i++) {
          if ((ks[i] = evalDet(keys.get(i))) == null || (vs[i] = evalDet(values.get(i))) == null) {
            return null;
          }
        }
        return ObjectValue.ofPairs(ks, vs, n);
      }
      default -> throw new IllegalStateException("not deterministic: " + t);
    }
  }

  /** Single-valued walk from a rule node along the rest of a ground path. */
  private Value lookupFrom(Node node, List<Term> path, int i) {
    int n = path.size();
    Value cur;
    if (i < n && node.children.isEmpty() && node.complete.isEmpty() && node.defaultRule == null
        && memo.docs[node.id] == null && (node.objects.isEmpty() || singleSuffix(node))) {
      Value key = evalDet(path.get(i));
      if (key == null) {
        return null;
      }
      cur = partialLookup(node, key);
      i++;
    } else {
      cur = nodeDoc(node);
    }
    for (; i < n && cur != null; i++) {
      Value key = evalDet(path.get(i));
      if (key == null) {
        return null;
      }
      cur = lookup(cur, key);
    }
    return cur;
  }

  private static final Ast.Ref.BasePrefix NO_BASE_PREFIX = new Ast.Ref.BasePrefix(0, null);

  /**
   * The base document that a data reference's leading constant segments reach, when no rule
   * lies on or below that path and data is the policy's own (no {@code with}); else null. Found
   * once per reference, so {@code data.access.services[s]} does not walk the rule tree and the
   * data from the root on every evaluation.
   */
  private Ast.Ref.BasePrefix basePrefix(Ref r) {
    if (masked != null || baseData != policy.baseData()) {
      return null;
    }
    Ast.Ref.BasePrefix bp = r.basePrefix;
    if (bp == null) {
      bp = NO_BASE_PREFIX;
      Node node = policy.root();
      Value base = baseData;
      List<Term> path = r.path();
      int i = 0;
      for (; i < path.size() && path.get(i) instanceof Scalar sc && sc.value() instanceof StringValue key; i++) {
        if (node != null) {
          if (node.hasRules()) {
            break;
          }
          node = node.children.get(key);
        }
        base = base == null ? null : lookup(base, key);
      }
      if (node == null && i > 0) {
        bp = new Ast.Ref.BasePrefix(i, base);
      }
      r.basePrefix = bp;
    }
    return bp.length() == 0 ? null : bp;
  }

  /** Single-valued walk of {@code data} along ground path terms from index {@code from}. */
  private Value dataLookup(List<Term> path, int from) {
    Node node = policy.root();
    Value base = baseData;
    int n = path.size();
    int i = from;
    while (true) {
      if (node != null && masked != null && isMasked(node)) {
        node = null;
      }
      if (node == null) {
        Value cur = base;
        for (; i < n && cur != null; i++) {
          Value key = evalDet(path.get(i));
          if (key == null) {
            return null;
          }
          Value child = lookup(cur, key);
          if (child == null && key instanceof NumberValue num && cur instanceof ObjectValue o) {
            child = o.get(StringValue.of(num.toString()));
          }
          cur = child;
        }
        return cur;
      }
      if (node.hasRules()) {
        return node.isFunction ? null : lookupFrom(node, path, i);
      }
      if (i == n) {
        return subtreeDoc(node, base);
      }
      Value key = evalDet(path.get(i));
      if (key == null) {
        return null;
      }
      Node child = node.children.get(key);
      Value childBase = base instanceof ObjectValue o ? o.get(key) : null;
      if (child == null && childBase == null && key instanceof NumberValue num) {
        Value sk = StringValue.of(num.toString());
        child = node.children.get(sk);
        childBase = base instanceof ObjectValue o ? o.get(sk) : null;
      }
      if (child == null && childBase == null) {
        return null;
      }
      node = child;
      base = childBase;
      i++;
    }
  }

  // ---- terms

  boolean evalTerm(Term t, VK k) {
    switch (t) {
      case Scalar s -> {
        return k.accept(s.value());
      }
      case Var v -> {
        int s = v.slot();
        if (s >= 0) {
          Value x = frame[s];
          if (x == null) {
            throw error("rego_unsafe_var_error", "var " + v.name() + " is unsafe", v.loc());
          }
          return k.accept(x);
        }
        if (s == Compiler.INPUT_SLOT) {
          return input != null && k.accept(input);
        }
        return walkData(policy.root(), baseData, List.of(), 0, k);
      }
      case Ref r -> {
        return evalRef(r, k);
      }
      case ArrayTerm a -> {
        if (det(a)) {
          Value v = evalDet(a);
          return v != null && k.accept(v);
        }
        return evalArgs(a.items(), 0, new Value[a.items().size()], vs -> k.accept(ArrayValue.wrap(vs.clone())));
      }
      case SetTerm s -> {
        if (det(s)) {
          Value v = evalDet(s);
          return v != null && k.accept(v);
        }
        return evalArgs(s.items(), 0, new Value[s.items().size()], vs -> k.accept(SetValue.of(vs)));
      }
      case ObjectTerm o -> {
        if (det(o)) {
          Value v = evalDet(o);
          return v != null && k.accept(v);
        }
        List<Term> all = new ArrayList<>(o.keys().size() * 2);
        for (int i = 0; i < o.keys().size(); i++) {
          all.add(o.keys().get(i));
          all.add(o.values().get(i));
        }
        return evalArgs(all, 0, new Value[all.size()], vs -> {
          LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
          for (int i = 0; i < vs.length; i += 2) {
            m.put(vs[i], vs[i + 1]);
          }
          return k.accept(ObjectValue.wrap(m));
        });
      }
      case Call c -> {
        return evalCall(c, c.args().size(), k);
      }
      case Compr cp -> {
        return evalCompr(cp, k);
      }
    }
  }

  private boolean evalArgs(List<Term> ts, int i, Value[] out, ArgsK k) {
    if (i == ts.size()) {
      return k.accept(out);
    }
    return evalTerm(ts.get(i), v -> {
      out[i] = v;
      return evalArgs(ts, i + 1, out, k);
    });
  }

  private boolean evalCompr(Compr cp, VK k) {
    Expr[] body = cp.body().array();
    switch (cp.kind()) {
      case ARRAY -> {
        List<Value> acc = new ArrayList<>();
        evalBody(body, 0, () -> evalTerm(cp.value(), v -> {
          acc.add(v);
          return false;
        }));
        return k.accept(ArrayValue.of(acc));
      }
      case SET -> {
        SetValue.Builder acc = new SetValue.Builder();
        evalBody(body, 0, () -> evalTerm(cp.value(), v -> {
          acc.add(v);
          return false;
        }));
        return k.accept(acc.build());
      }
      case OBJECT -> {
        LinkedHashMap<Value, Value> acc = new LinkedHashMap<>();
        evalBody(body, 0, () -> evalTerm(cp.key(), key -> evalTerm(cp.value(), v -> {
          Value prev = acc.put(key, v);
          if (prev != null && !prev.equals(v)) {
            throw error("eval_conflict_error", "object keys must be unique", cp.loc());
          }
          return false;
        })));
        return k.accept(ObjectValue.wrap(acc));
      }
    }
    return false;
  }

  // ---- references

  private boolean evalRef(Ref r, VK k) {
    Term head = r.head();
    if (head instanceof Var v) {
      if (v.slot() == Compiler.DATA_SLOT) {
        if (r.ruleNode() != null && masked == null) {
          return walkData(r.ruleNode(), null, r.path(), r.ruleDepth(), k);
        }
        Ast.Ref.BasePrefix bp = basePrefix(r);
        if (bp != null) {
          return bp.value() != null && walkBase(bp.value(), r.path(), bp.length(), k);
        }
        return walkData(policy.root(), baseData, r.path(), 0, k);
      }
      if (v.slot() == Compiler.INPUT_SLOT) {
        return input != null && walkValue(input, r.path(), 0, k);
      }
    }
    return evalTerm(head, hv -> walkValue(hv, r.path(), 0, k));
  }

  private static Value lookup(Value coll, Value key) {
    switch (coll) {
      case ObjectValue o -> {
        return o.get(key);
      }
      case ArrayValue a -> {
        if (key instanceof NumberValue n && n.isLong()) {
          return a.getOrNull(n.longValue());
        }
        return null;
      }
      case SetValue s -> {
        return s.contains(key) ? key : null;
      }
      default -> {
        return null;
      }
    }
  }

  private boolean walkValue(Value v, List<Term> path, int i, VK k) {
    if (i == path.size()) {
      return k.accept(v);
    }
    Term seg = path.get(i);
    if (groundNow(seg)) {
      if (seg instanceof Scalar s) {
        Value child = lookup(v, s.value());
        return child != null && walkValue(child, path, i + 1, k);
      }
      return evalTerm(seg, key -> {
        Value child = lookup(v, key);
        return child != null && walkValue(child, path, i + 1, k);
      });
    }
    return iterate(v, (key, child) -> unifyValue(seg, key, () -> walkValue(child, path, i + 1, k)));
  }

  /** Like walkValue for base documents, where numeric keys also find their string form. */
  private boolean walkBase(Value v, List<Term> path, int i, VK k) {
    if (i == path.size()) {
      return k.accept(v);
    }
    Term seg = path.get(i);
    if (groundNow(seg)) {
      return evalTerm(seg, key -> {
        Value child = lookup(v, key);
        if (child == null && key instanceof NumberValue n && v instanceof ObjectValue o) {
          child = o.get(StringValue.of(n.toString()));
        }
        return child != null && walkBase(child, path, i + 1, k);
      });
    }
    return iterate(v, (key, child) -> unifyValue(seg, key, () -> walkBase(child, path, i + 1, k)));
  }

  private boolean walkData(Node node, Value base, List<Term> path, int i, VK k) {
    if (node != null && masked != null && isMasked(node)) {
      node = null;
    }
    if (node == null) {
      return base != null && walkBase(base, path, i, k);
    }
    if (node.hasRules()) {
      if (node.isFunction) {
        return false;
      }
      if (i < path.size() && node.children.isEmpty() && node.complete.isEmpty()
          && node.defaultRule == null && memo.docs[node.id] == null && groundNow(path.get(i))) {
        Node n = node;
        if (node.objects.isEmpty() || singleSuffix(node)) {
          if (det(path.get(i))) {
            Value key = evalDet(path.get(i));
            Value child = key == null ? null : partialLookup(n, key);
            return child != null && walkValue(child, path, i + 1, k);
          }
          return evalTerm(path.get(i), key -> {
            Value child = partialLookup(n, key);
            return child != null && walkValue(child, path, i + 1, k);
          });
        }
      }
      Value doc = nodeDoc(node);
      return doc != null && walkValue(doc, path, i, k);
    }
    if (i == path.size()) {
      Value doc = subtreeDoc(node, base);
      return doc != null && k.accept(doc);
    }
    Term seg = path.get(i);
    Node n = node;
    if (seg instanceof Scalar sc) {
      return walkChild(n, base, sc.value(), path, i, k);
    }
    if (groundNow(seg)) {
      return evalTerm(seg, key -> walkChild(n, base, key, path, i, k));
    }
    Set<Value> keys = new java.util.TreeSet<>(node.children.keySet());
    if (base instanceof ObjectValue o) {
      keys.addAll(o.asMap().keySet());
    }
    for (Value key : keys) {
      step();
      if (unifyValue(seg, key, () -> walkChild(n, base, key, path, i, k))) {
        return true;
      }
    }
    return false;
  }

  private static boolean singleSuffix(Node n) {
    for (CRule r : n.objects) {
      if (r.suffix.length != 1 || r.kind == Ast.RuleKind.PARTIAL_SET) {
        return false;
      }
    }
    return true;
  }

  private boolean walkChild(Node node, Value base, Value key, List<Term> path, int i, VK k) {
    Node child = node.children.get(key);
    Value childBase = base instanceof ObjectValue o ? o.get(key) : null;
    if (child == null && childBase == null) {
      if (key instanceof NumberValue num) {
        Value sk = StringValue.of(num.toString());
        child = node.children.get(sk);
        childBase = base instanceof ObjectValue o ? o.get(sk) : null;
        if (child == null && childBase == null) {
          return false;
        }
      } else {
        return false;
      }
    }
    return walkData(child, childBase, path, i + 1, k);
  }

  private Value subtreeDoc(Node node, Value base) {
    LinkedHashMap<Value, Value> m = new LinkedHashMap<>();
    if (base instanceof ObjectValue o) {
      m.putAll(o.asMap());
    }
    for (Map.Entry<Value, Node> e : node.children.entrySet()) {
      Node c = e.getValue();
      Value cb = m.get(e.getKey());
      Value d;
      if (masked != null && isMasked(c)) {
        d = cb;
      } else if (c.hasRules()) {
        d = c.isFunction ? null : nodeDoc(c);
      } else {
        d = subtreeDoc(c, cb);
      }
      if (d != null && !(c.hasRules() && cb != null)) {
        m.put(e.getKey(), d);
      }
    }
    return ObjectValue.of(m);
  }

  // ---- rules

  /**
   * Whether documents and calls may come from (and go to) the revision memo: nothing replaced
   * by {@code with} except input, which independent nodes do not read, and no listener, which
   * must see every rule evaluated.
   */
  private boolean pristine() {
    return mocks == null && masked == null && dataOverlays == null && listener == null
        && baseData == policy.baseData();
  }

  private Value nodeDoc(Node n) {
    Value cached = memo.docs[n.id];
    if (cached != null) {
      return cached == UNDEF ? null : cached;
    }
    boolean shared = revision.independent(n) && pristine();
    if (shared) {
      Value s = revision.doc(n);
      if (s != null) {
        memo.docs[n.id] = s;
        return s == UNDEF ? null : s;
      }
    }
    Value v = computeNodeDoc(n);
    if (shared) {
      revision.putDoc(n, v == null ? UNDEF : v);
    }
    return v;
  }

  private Value computeNodeDoc(Node n) {
    Value v;
    if (!n.complete.isEmpty() || n.defaultRule != null) {
      v = completeDoc(n);
    } else if (!n.sets.isEmpty()) {
      v = setDoc(n);
    } else {
      v = objectDoc(n);
    }
    if (v != null) {
      v = applyOverlaysBelow(n, v);
    }
    memo.docs[n.id] = v == null ? UNDEF : v;
    return v;
  }

  private List<CRule> candidates(Node n) {
    return candidates(n.index, n.complete);
  }

  /** The rules that may succeed: all of them, or those an index selects for the input. */
  private List<CRule> candidates(RuleIndex idx, List<CRule> rules) {
    if (idx == null || listener != null) {
      return rules;
    }
    Value key = evalDet(idx.ref());
    if (key == null) {
      return idx.always();
    }
    List<CRule> hit = idx.byValue().get(key);
    if (hit == null) {
      return idx.always();
    }
    return hit;
  }

  private Value completeDoc(Node n) {
    Value result = null;
    CRule resultRule = null;
    List<CRule> rules = candidates(n);
    for (int i = 0, size = rules.size(); i < size; i++) {
      CRule r = rules.get(i);
      if (result != null && r.constValue && r.elseRule == null && listener == null
          && ((Scalar) r.value).value().equals(result)) {
        continue;
      }
      Value v = evalComplete(r);
      if (v != null) {
        if (result == null) {
          result = v;
          resultRule = r;
        } else if (!result.equals(v)) {
          throw conflict(n, r);
        }
      }
    }
    if (result == null && n.defaultRule != null) {
      CRule d = n.defaultRule;
      Value[] saved = frame;
      CRule savedCur = current;
      frame = new Value[d.nslots];
      current = d;
      Value[] h = new Value[1];
      evalTerm(d.value, v -> {
        h[0] = v;
        return true;
      });
      frame = saved;
      current = savedCur;
      result = h[0];
      if (listener != null && result != null) {
        listener.defaultUsed(d.loc.toString());
      }
    }
    return result;
  }

  private static RegoEvalException conflict(Node n, CRule r) {
    return error("eval_conflict_error", "complete rules must not produce multiple outputs: rule "
        + n.pathString + " produced conflicting values", r.loc);
  }

  /** Result so far of the complete rule being evaluated (saved and restored around nesting). */
  private Value ruleResult;
  private boolean ruleAny;
  /** Called for each solution of a complete rule's body; {@link #current} is that rule. */
  private final K completeSolution = this::completeSolution;

  private boolean completeSolution() {
    ruleAny = true;
    Term value = current.value;
    if (det(value)) {
      Value v = evalDet(value);
      return v != null && completeValue(v);
    }
    // values with several solutions are rare (a conflict unless equal): no field for them
    return evalTerm(value, this::completeValue);
  }

  private boolean completeValue(Value v) {
    if (ruleResult == null) {
      ruleResult = v;
    } else if (!ruleResult.equals(v)) {
      throw conflict(current.node, current);
    }
    return false;
  }

  private Value evalComplete(CRule r) {
    enter(r.loc);
    Value[] saved = frame;
    CRule savedCur = current;
    try {
      for (CRule c = r; c != null; c = c.elseRule) {
        frame = c.nslots == 0 ? NO_SLOTS : new Value[c.nslots];
        current = c;
        if (listener != null) {
          Value v = tracedBranch(r, c);
          if (v != null) {
            return v;
          }
          continue;
        }
        if (c.constValue) {
          if (evalBody(c.body, 0, FOUND)) {
            return ((Scalar) c.value).value();
          }
          continue;
        }
        Value outerResult = ruleResult;
        boolean outerAny = ruleAny;
        ruleResult = null;
        ruleAny = false;
        try {
          evalBody(c.body, 0, completeSolution);
          if (ruleAny) {
            return ruleResult;
          }
        } finally {
          ruleResult = outerResult;
          ruleAny = outerAny;
        }
      }
      return null;
    } finally {
      frame = saved;
      current = savedCur;
      depth--;
    }
  }

  /** One branch of a complete rule, reported to the listener. */
  private Value tracedBranch(CRule r, CRule c) {
    String loc = c.loc.toString();
    listener.enterRule(loc);
    Value[] res = new Value[1];
    boolean[] any = {false};
    try {
      evalBody(c.body, 0, () -> {
        any[0] = true;
        return evalTerm(c.value, v -> {
          if (res[0] == null) {
            res[0] = v;
          } else if (!res[0].equals(v)) {
            throw conflict(r.node, c);
          }
          return c.constValue;
        });
      });
    } finally {
      listener.exitRule(loc, any[0] && res[0] != null);
    }
    return any[0] ? res[0] : null;
  }

  private void enterTraced(CRule r) {
    if (listener != null) {
      listener.enterRule(r.loc.toString());
    }
  }

  private void exitTraced(CRule r, boolean produced) {
    if (listener != null) {
      listener.exitRule(r.loc.toString(), produced);
    }
  }

  private Value setDoc(Node n) {
    SetValue.Builder acc = new SetValue.Builder();
    Value[] saved = frame;
    CRule savedCur = current;
    enter(n.sets.get(0).loc);
    try {
      for (CRule r : candidates(n.setIndex, n.sets)) {
        frame = new Value[r.nslots];
        current = r;
        if (listener == null) {
          evalBody(r.body, 0, () -> evalTerm(r.key, v -> {
            acc.add(v);
            return false;
          }));
          continue;
        }
        boolean[] any = {false};
        enterTraced(r);
        evalBody(r.body, 0, () -> evalTerm(r.key, v -> {
          any[0] = true;
          acc.add(v);
          return false;
        }));
        exitTraced(r, any[0]);
      }
    } finally {
      frame = saved;
      current = savedCur;
      depth--;
    }
    return acc.build();
  }

  private static boolean isPattern(Term t) {
    return switch (t) {
      case Var v -> true;
      case Scalar s -> true;
      case ArrayTerm a -> a.items().stream().allMatch(Eval::isPattern);
      default -> false;
    };
  }

  /** The member at {@code key} of a partial set or single-key partial object node. */
  private Value partialLookup(Node n, Value key) {
    Value[] saved = frame;
    CRule savedCur = current;
    enter(n.path.isEmpty() ? null : firstLoc(n));
    try {
      if (!n.sets.isEmpty()) {
        for (CRule r : candidates(n.setIndex, n.sets)) {
          frame = new Value[r.nslots];
          current = r;
          K body = () -> evalBody(r.body, 0, () -> true);
          enterTraced(r);
          boolean found = isPattern(r.key)
              ? unifyValue(r.key, key, body)
              : evalBody(r.body, 0, () -> evalTerm(r.key, v -> v.equals(key)));
          exitTraced(r, found);
          if (found) {
            return key;
          }
        }
        return null;
      }
      Value[] res = new Value[1];
      for (CRule r : n.objects) {
        frame = new Value[r.nslots];
        current = r;
        Term kt = r.suffix[0];
        boolean[] any = {false};
        K body = () -> evalBody(r.body, 0, () -> evalTerm(kt, kv -> kv.equals(key) && evalTerm(r.value, v -> {
          any[0] = true;
          if (res[0] == null) {
            res[0] = v;
          } else if (!res[0].equals(v)) {
            throw error("eval_conflict_error", "object keys must be unique", r.loc);
          }
          return false;
        })));
        enterTraced(r);
        if (isPattern(kt)) {
          unifyValue(kt, key, body);
        } else {
          body.go();
        }
        exitTraced(r, any[0]);
      }
      return res[0];
    } finally {
      frame = saved;
      current = savedCur;
      depth--;
    }
  }

  private static Loc firstLoc(Node n) {
    if (!n.sets.isEmpty()) {
      return n.sets.get(0).loc;
    }
    return n.objects.isEmpty() ? null : n.objects.get(0).loc;
  }

  /** Mutable nested map used while building partial objects. */
  private Value objectDoc(Node n) {
    LinkedHashMap<Value, Object> acc = new LinkedHashMap<>();
    Value[] saved = frame;
    CRule savedCur = current;
    enter(null);
    try {
      for (CRule r : n.objects) {
        frame = new Value[r.nslots];
        current = r;
        Value[] keys = new Value[r.suffix.length];
        Term leaf = r.kind == Ast.RuleKind.PARTIAL_SET ? r.key : r.value;
        boolean[] any = {false};
        enterTraced(r);
        evalBody(r.body, 0, () -> evalArgs(List.of(r.suffix), 0, keys, ks -> evalTerm(leaf, v -> {
          any[0] = true;
          insert(acc, ks, 0, v, r);
          return false;
        })));
        exitTraced(r, any[0]);
      }
    } finally {
      frame = saved;
      current = savedCur;
      depth--;
    }
    for (Map.Entry<Value, Node> e : n.children.entrySet()) {
      Node c = e.getValue();
      Value d = c.hasRules() ? nodeDoc(c) : subtreeDoc(c, null);
      if (d == null) {
        continue;
      }
      Object prev = acc.get(e.getKey());
      if (prev == null) {
        acc.put(e.getKey(), d);
      } else if (prev instanceof Map<?, ?> pm && d instanceof ObjectValue dv) {
        @SuppressWarnings("unchecked")
        LinkedHashMap<Value, Object> m = (LinkedHashMap<Value, Object>) pm;
        for (Map.Entry<Value, Value> de : dv.asMap().entrySet()) {
          Object p = m.get(de.getKey());
          if (p != null && !freeze(p).equals(de.getValue())) {
            throw error("eval_conflict_error", "object keys must be unique", c.path.isEmpty() ? null : null);
          }
          m.put(de.getKey(), de.getValue());
        }
      } else if (!freeze(prev).equals(d)) {
        throw error("eval_conflict_error", "object keys must be unique", null);
      }
    }
    if (acc.isEmpty() && n.children.isEmpty() && !n.objects.isEmpty()) {
      return ObjectValue.EMPTY;
    }
    return (Value) freeze(acc);
  }

  @SuppressWarnings("unchecked")
  private void insert(LinkedHashMap<Value, Object> m, Value[] ks, int i, Value v, CRule r) {
    Value key = ks[i];
    Object prev = m.get(key);
    if (i == ks.length - 1 && r.kind == Ast.RuleKind.PARTIAL_SET) {
      if (prev == null) {
        LinkedHashSet<Value> set = new LinkedHashSet<>();
        set.add(v);
        m.put(key, set);
      } else if (prev instanceof LinkedHashSet<?> ps) {
        ((LinkedHashSet<Value>) ps).add(v);
      } else {
        throw error("eval_conflict_error", "object keys must be unique", r.loc);
      }
      return;
    }
    if (i == ks.length - 1) {
      if (prev == null) {
        m.put(key, v);
      } else if (prev instanceof Map || !prev.equals(v)) {
        throw error("eval_conflict_error", "object keys must be unique", r.loc);
      }
      return;
    }
    LinkedHashMap<Value, Object> child;
    if (prev == null) {
      child = new LinkedHashMap<>();
      m.put(key, child);
    } else if (prev instanceof LinkedHashMap<?, ?> pm) {
      child = (LinkedHashMap<Value, Object>) pm;
    } else {
      throw error("eval_conflict_error", "object keys must be unique", r.loc);
    }
    insert(child, ks, i + 1, v, r);
  }

  @SuppressWarnings("unchecked")
  private static Object freeze(Object o) {
    if (o instanceof LinkedHashSet<?> s) {
      return SetValue.of((LinkedHashSet<Value>) s);
    }
    if (o instanceof Map<?, ?> m) {
      LinkedHashMap<Value, Value> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put((Value) e.getKey(), (Value) freeze(e.getValue()));
      }
      return ObjectValue.of(out);
    }
    return o;
  }

  // ---- calls

  private boolean evalCall(Call c, int nargs, VK k) {
    Target t = c.target();
    if (t == null) {
      throw error("rego_type_error", "undefined function " + c.name(), c.loc());
    }
    if (mocks != null) {
      Object mock = mocks.get(t.key());
      if (mock instanceof Value mv) {
        return evalArgs(c.args().subList(0, Math.min(nargs, c.args().size())), 0, new Value[Math.min(nargs, c.args().size())], vs -> k.accept(mv));
      }
      if (mock instanceof Target mt) {
        return callReplacement(c, nargs, mt, k);
      }
    }
    Target target = t;
    switch (target.special()) {
      case EQ, ASSIGN -> {
        boolean found = unify(c.args().get(0), c.args().get(1), () -> true);
        return k.accept(BooleanValue.of(found));
      }
      case PRINT -> {
        return evalPrint(c, k);
      }
      case METADATA_RULE -> {
        Value a = current == null || current.annotations == null ? ObjectValue.EMPTY
            : Annotations.withScope(current.annotations, "rule");
        return k.accept(a);
      }
      case METADATA_CHAIN -> {
        return k.accept(metadataChain());
      }
      case PARSE_MODULE -> {
        return evalArgs(c.args().subList(0, 2), 0, new Value[2], vs -> {
          if (!(vs[0] instanceof StringValue f)) {
            throw error("eval_type_error", "rego.parse_module: operand 1 must be string but got " + vs[0].typeName(), c.loc());
          }
          if (!(vs[1] instanceof StringValue text)) {
            throw error("eval_type_error", "rego.parse_module: operand 2 must be string but got " + vs[1].typeName(), c.loc());
          }
          Value ast;
          try {
            ast = AstJson.module(Parser.parseModule(f.value(), text.value(), policy.syntaxV1()));
          } catch (RegoException e) {
            if (opts.strictBuiltinErrors()) {
              throw error("eval_builtin_error", "rego.parse_module: " + e.getMessage(), c.loc());
            }
            return false;
          } catch (StackOverflowError e) {
            throw error("eval_builtin_error", "rego.parse_module: module nesting too deep", c.loc());
          }
          return k.accept(ast);
        });
      }
      default -> {}
    }
    int n = target.arity() >= 0 ? Math.min(nargs, target.arity()) : c.args().size();
    if (c.args().size() < n) {
      n = c.args().size();
    }
    List<Term> args = n == c.args().size() ? c.args() : c.args().subList(0, n);
    Value[] buf = new Value[n];
    if (detAll(args)) {
      // one value per operand: no continuation per operand
      for (int i = 0; i < n; i++) {
        if ((buf[i] = evalDet(args.get(i))) == null) {
          return false;
        }
      }
      return target.func() != null ? callFunctionK(target.func(), buf, c.loc(), k)
          : callBuiltin(target.builtin(), buf, c.loc(), k);
    }
    return evalArgs(args, 0, buf, vs -> {
      if (target.func() != null) {
        return callFunctionK(target.func(), vs.clone(), c.loc(), k);
      }
      return callBuiltin(target.builtin(), vs.clone(), c.loc(), k);
    });
  }

  /** Replacement functions run without any mocks, so they reach the originals. */
  private boolean callReplacement(Call c, int nargs, Target mt, VK k) {
    int n = mt.arity() >= 0 ? Math.min(nargs, mt.arity()) : c.args().size();
    n = Math.min(n, c.args().size());
    return evalArgs(c.args().subList(0, n), 0, new Value[n], vs -> {
      Map<String, Object> savedMocks = mocks;
      Memo savedCache = memo;
      mocks = null;
      memo = new Memo(policy.nodeCount());
      List<Value> results = new ArrayList<>();
      try {
        if (mt.func() != null) {
          Value[] replaced = vs.clone();
          mocks = savedMocks;
          memo = savedCache;
          return callWithoutMocks(() -> callFunctionK(mt.func(), replaced, c.loc(), v -> {
            Map<String, Object> m = mocks;
            Memo ch = memo;
            mocks = savedMocks;
            memo = savedCache;
            try {
              return k.accept(v);
            } finally {
              mocks = m;
              memo = ch;
            }
          }));
        } else {
          callBuiltin(mt.builtin(), vs.clone(), c.loc(), v -> {
            results.add(v);
            return false;
          });
        }
      } finally {
        mocks = savedMocks;
        memo = savedCache;
      }
      for (Value r : results) {
        if (k.accept(r)) {
          return true;
        }
      }
      return false;
    });
  }

  private boolean callWithoutMocks(K body) {
    Map<String, Object> savedMocks = mocks;
    Memo savedCache = memo;
    mocks = null;
    memo = new Memo(policy.nodeCount());
    try {
      return body.go();
    } finally {
      mocks = savedMocks;
      memo = savedCache;
    }
  }

  private Value metadataChain() {
    List<Value> out = new ArrayList<>();
    if (current != null) {
      ObjectValue.Builder rule = ObjectValue.builder().put("path", pathArray(current.node.path));
      if (current.annotations != null) {
        rule.put("annotations", Annotations.withScope(current.annotations, "rule"));
      }
      out.add(rule.build());
      if (current.packageAnnotations != null) {
        int pkgLen = current.pkg.isEmpty() ? 0 : current.pkg.split("\\.").length;
        out.add(ObjectValue.builder()
            .put("path", pathArray(current.node.path.subList(0, pkgLen)))
            .put("annotations", Annotations.withScope(current.packageAnnotations, "package"))
            .build());
      }
    }
    return ArrayValue.of(out);
  }

  private static Value pathArray(List<Value> path) {
    List<Value> out = new ArrayList<>(path.size() + 1);
    out.add(StringValue.of("data"));
    out.addAll(path);
    return ArrayValue.of(out);
  }

  private boolean evalPrint(Call c, VK k) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < c.args().size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      List<Value> vals = new ArrayList<>();
      evalTerm(c.args().get(i), v -> {
        vals.add(v);
        return false;
      });
      if (vals.isEmpty()) {
        sb.append("<undefined>");
      } else {
        Value v = vals.get(0);
        if (v instanceof StringValue s) {
          sb.append(s.value());
        } else {
          sb.append(RegoText.of(v));
        }
      }
    }
    print(sb.toString());
    return k.accept(BooleanValue.TRUE);
  }

  /** Applies a built-in; null when undefined (including non-strict failures). */
  private Value invokeBuiltin(Builtin b, Value[] args, Loc loc) {
    try {
      return b.impl().apply(this, args);
    } catch (BuiltinException e) {
      if (e.isTypeError()) {
        throw error("eval_type_error", b.name() + ": " + e.getMessage(), loc);
      }
      if (opts.strictBuiltinErrors()) {
        throw error("eval_builtin_error", b.name() + ": " + e.getMessage(), loc);
      }
      return null;
    } catch (RegoException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      if (opts.strictBuiltinErrors()) {
        throw error("eval_builtin_error", b.name() + ": " + e, loc);
      }
      return null;
    }
  }

  private boolean callBuiltin(Builtin b, Value[] args, Loc loc, VK k) {
    Value r = invokeBuiltin(b, args, loc);
    if (r == null) {
      return false;
    }
    if (b.relation()) {
      if (r instanceof ArrayValue a) {
        for (int i = 0; i < a.size(); i++) {
          if (k.accept(a.get(i))) {
            return true;
          }
        }
      }
      return false;
    }
    return k.accept(r);
  }

  Value callFunction(Node fn, Value[] args, Loc loc) {
    if (revision.independent(fn) && pristine() && RevisionMemo.rememberable(args)) {
      Value hit = revision.call(fn, args);
      if (hit == null) {
        Value r = callFunctionUncached(fn, args, loc);
        revision.putCall(fn, args, r == null ? UNDEF : r);
        return r;
      }
      return hit == UNDEF ? null : hit;
    }
    Memo m = memo;
    Value hit = m.call(fn, args);
    if (hit != null) {
      return hit == UNDEF ? null : hit;
    }
    Value r = callFunctionUncached(fn, args, loc);
    m.putCall(fn, args, r == null ? UNDEF : r);
    return r;
  }

  /**
   * Called for each solution of a function definition's body; collects into {@link #ruleResult}
   * and {@link #ruleAny} (saved and restored around each call, as for complete rules). Made on
   * the first function call, so evaluations without one do not allocate it.
   */
  private K funcSolution;

  private boolean funcSolution() {
    ruleAny = true;
    Term value = current.value;
    if (det(value)) {
      Value v = evalDet(value);
      return v != null && funcValue(v);
    }
    return evalTerm(value, this::funcValue);
  }

  private boolean funcValue(Value v) {
    if (ruleResult == null) {
      ruleResult = v;
    } else if (!ruleResult.equals(v)) {
      throw functionConflict(current.node, current);
    }
    return false;
  }

  /**
   * Binds parameters that are variables or constants straight into the new frame; false when a
   * constant parameter does not match or a parameter needs unification.
   */
  private static int bindSimple(Term[] params, Value[] args, Value[] f) {
    for (int i = 0; i < params.length; i++) {
      switch (params[i]) {
        case Var v when v.slot() >= 0 -> {
          Value cur = f[v.slot()];
          if (cur == null) {
            f[v.slot()] = args[i];
          } else if (!cur.equals(args[i])) {
            return 0;
          }
        }
        case Scalar sc -> {
          if (!sc.value().equals(args[i])) {
            return 0;
          }
        }
        default -> {
          return -1;
        }
      }
    }
    return 1;
  }

  private Value callFunctionUncached(Node fn, Value[] args, Loc loc) {
    enter(loc);
    Value[] saved = frame;
    CRule savedCur = current;
    try {
      Value[] res = new Value[1];
      for (CRule r : fn.funcs) {
        for (CRule c = r; c != null; c = c.elseRule) {
          frame = new Value[c.nslots];
          current = c;
          if (listener == null) {
            int bound = bindSimple(c.args, args, frame);
            if (bound >= 0) {
              // the common case, without a continuation per parameter and per solution
              Value outerResult = ruleResult;
              boolean outerAny = ruleAny;
              ruleResult = res[0];
              ruleAny = false;
              boolean any;
              try {
                if (bound == 1) {
                  if (funcSolution == null) {
                    funcSolution = this::funcSolution;
                  }
                  evalBody(c.body, 0, funcSolution);
                }
                res[0] = ruleResult;
                any = ruleAny;
              } finally {
                ruleResult = outerResult;
                ruleAny = outerAny;
              }
              if (any) {
                break;
              }
              continue;
            }
          }
          boolean[] any = {false};
          CRule cur = c;
          enterTraced(c);
          unifyArgs(c.args, args, 0, () -> evalBody(cur.body, 0, () -> {
            any[0] = true;
            return evalTerm(cur.value, v -> {
              if (res[0] == null) {
                res[0] = v;
              } else if (!res[0].equals(v)) {
                throw error("eval_conflict_error", "functions must not produce multiple outputs for same inputs: function "
                    + fn.pathString + " produced conflicting values for the same inputs", cur.loc);
              }
              return false;
            });
          }));
          exitTraced(c, any[0]);
          if (any[0]) {
            break;
          }
        }
      }
      if (res[0] == null && fn.defaultRule != null) {
        CRule d = fn.defaultRule;
        frame = new Value[d.nslots];
        current = d;
        evalTerm(d.value, v -> {
          res[0] = v;
          return true;
        });
        if (listener != null && res[0] != null) {
          listener.defaultUsed(d.loc.toString());
        }
      }
      return res[0];
    } finally {
      frame = saved;
      current = savedCur;
      depth--;
    }
  }

  /**
   * Calls a user function. When every definition has a constant value, all of them are evaluated
   * before the caller continues (so disagreeing definitions are a conflict). Otherwise each new
   * result goes to the caller as soon as a definition produces it, and a caller that has its
   * answer stops the remaining definitions, as OPA does.
   */
  private boolean callFunctionK(Node fn, Value[] args, Loc loc, VK k) {
    if (fn.constValued || fn.funcs.size() < 2) {
      Value r = callFunction(fn, args, loc);
      return r != null && k.accept(r);
    }
    if (revision.independent(fn) && pristine() && RevisionMemo.rememberable(args)) {
      Value hit = revision.call(fn, args);
      if (hit == null) {
        // every definition, once: a conflict among them is left to the path below, which
        // reports it only when the caller goes on, as it always has
        try {
          Value r = callFunctionUncached(fn, args, loc);
          revision.putCall(fn, args, r == null ? UNDEF : r);
          hit = r == null ? UNDEF : r;
        } catch (RegoEvalException e) {
          hit = null;
        }
      }
      if (hit != null) {
        return hit != UNDEF && k.accept(hit);
      }
    }
    enter(loc);
    Value[] caller = frame;
    CRule callerRule = current;
    Value[] prev = new Value[1];
    try {
      for (CRule r : fn.funcs) {
        for (CRule c = r; c != null; c = c.elseRule) {
          Value[] callee = new Value[c.nslots];
          frame = callee;
          current = c;
          boolean[] any = {false};
          CRule cur = c;
          boolean halt = unifyArgs(c.args, args, 0, () -> evalBody(cur.body, 0, () -> {
            any[0] = true;
            return evalTerm(cur.value, v -> {
              if (prev[0] != null) {
                if (!prev[0].equals(v)) {
                  throw functionConflict(fn, cur);
                }
                return false;
              }
              prev[0] = v;
              frame = caller;
              current = callerRule;
              depth--;
              try {
                return k.accept(v);
              } finally {
                depth++;
                frame = callee;
                current = cur;
              }
            });
          }));
          if (halt) {
            return true;
          }
          if (any[0]) {
            break;
          }
        }
      }
      return false;
    } finally {
      frame = caller;
      current = callerRule;
      depth--;
    }
  }

  private static RegoEvalException functionConflict(Node fn, CRule r) {
    return error("eval_conflict_error", "functions must not produce multiple outputs for same inputs: function "
        + fn.pathString + " produced conflicting values for the same inputs", r.loc);
  }

  private boolean unifyArgs(Term[] params, Value[] args, int i, K k) {
    if (i == params.length) {
      return k.go();
    }
    return unifyValue(params[i], args[i], () -> unifyArgs(params, args, i + 1, k));
  }
}
