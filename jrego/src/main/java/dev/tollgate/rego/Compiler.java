package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Body;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Compr;
import dev.tollgate.rego.Ast.Every;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.Import;
import dev.tollgate.rego.Ast.Loc;
import dev.tollgate.rego.Ast.Module;
import dev.tollgate.rego.Ast.ObjectTerm;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.Rule;
import dev.tollgate.rego.Ast.RuleKind;
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
import dev.tollgate.rego.Plan.Target;
import dev.tollgate.rego.builtins.Builtin;
import dev.tollgate.rego.builtins.BuiltinRegistry;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns parsed modules into the rule tree: resolves names (imports, rules, locals to frame
 * slots), checks calls, orders body expressions so that variables are bound before use, and
 * reports unsafe variables, conflicts and recursion.
 */
final class Compiler {
  static final int INPUT_SLOT = -2;
  static final int DATA_SLOT = -3;

  private final BuiltinRegistry builtins;
  final Node root = new Node(List.of());
  private final List<RegoError> errors = new ArrayList<>();
  private final Map<String, Set<String>> rulesByPackage = new HashMap<>();
  final List<CRule> allRules = new ArrayList<>();
  private int nodeIds;

  Compiler(BuiltinRegistry builtins) {
    this.builtins = builtins;
  }

  int nodeCount() {
    return nodeIds + 1;
  }

  List<RegoError> errors() {
    return errors;
  }

  private void error(String code, String msg, Loc loc) {
    errors.add(new RegoError(code, msg, loc == null ? "" : loc.toString()));
  }

  // ---- node tree

  Node node(List<Value> path) {
    Node n = root;
    for (Value v : path) {
      Node c = n.children.get(v);
      if (c == null) {
        List<Value> p = new ArrayList<>(n.path);
        p.add(v);
        c = new Node(p);
        c.id = ++nodeIds;
        n.children.put(v, c);
      }
      n = c;
    }
    return n;
  }

  Node findNode(List<Value> path) {
    Node n = root;
    for (Value v : path) {
      n = n.children.get(v);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  private static List<Value> strs(List<String> s) {
    List<Value> out = new ArrayList<>(s.size());
    for (String x : s) {
      out.add(StringValue.of(x));
    }
    return out;
  }

  // ---- modules

  private record Pending(Module module, Rule rule, CRule crule) {}

  void compileModules(List<Module> modules) {
    List<Pending> pending = new ArrayList<>();
    for (Module m : modules) {
      String pkg = String.join(".", m.pkg());
      Set<String> names = rulesByPackage.computeIfAbsent(pkg, k -> new HashSet<>());
      for (Rule r : m.rules()) {
        names.add(((StringValue) ((Scalar) r.ref().get(0)).value()).value());
      }
    }
    for (Module m : modules) {
      List<Value> base = strs(m.pkg());
      node(base);
      for (Rule r : m.rules()) {
        List<Value> path = new ArrayList<>(base);
        int constLen = 0;
        for (Term t : r.ref()) {
          if (t instanceof Scalar s && (s.value() instanceof StringValue || constLen > 0)) {
            path.add(s.value());
            constLen++;
          } else {
            break;
          }
        }
        Node n = node(path);
        CRule cr = newRule(r, n, m);
        pending.add(new Pending(m, r, cr));
        switch (r.kind()) {
          case COMPLETE -> {
            if (r.isDefault()) {
              if (n.defaultRule != null) {
                error("rego_type_error", "multiple default rules " + n.pathString + " found", r.loc());
              }
              n.defaultRule = cr;
            } else {
              n.complete.add(cr);
            }
          }
          case PARTIAL_SET -> {
            if (constLen < r.ref().size()) {
              n.objects.add(cr);
            } else {
              n.sets.add(cr);
            }
          }
          case PARTIAL_OBJECT -> n.objects.add(cr);
          case FUNCTION -> {
            if (n.funcArity >= 0 && n.funcArity != cr.argCount) {
              error("rego_type_error", "conflicting rules " + n.pathString + " found", r.loc());
            }
            n.isFunction = true;
            n.funcArity = cr.argCount;
            if (r.isDefault()) {
              n.defaultRule = cr;
            } else {
              n.funcs.add(cr);
            }
          }
        }
      }
    }
    markBelow(root);
    checkConflicts(root);
    for (Pending p : pending) {
      compileRule(p.module, p.rule, p.crule);
    }
    if (errors.isEmpty()) {
      new RecursionCheck(this).run();
    }
    captured.clear();
    markConstValued(root);
  }

  private CRule newRule(Rule r, Node n, Module m) {
    CRule cr = new CRule(r.kind(), r.loc(), n, String.join(".", m.pkg()));
    cr.isDefault = r.isDefault();
    cr.argCount = r.args() == null ? 0 : r.args().size();
    cr.annotations = m.annotations().get(r.loc().line());
    cr.packageAnnotations = m.annotations().get(m.loc().line());
    allRules.add(cr);
    CRule cur = cr;
    for (Rule e = r.elseRule(); e != null; e = e.elseRule()) {
      CRule ec = new CRule(e.kind(), e.loc(), n, cr.pkg);
      ec.argCount = cr.argCount;
      cur.elseRule = ec;
      cur = ec;
    }
    return cr;
  }

  private static void markConstValued(Node n) {
    boolean all = !n.funcs.isEmpty();
    for (CRule f : n.funcs) {
      for (CRule c = f; c != null; c = c.elseRule) {
        all &= c.value instanceof Scalar;
      }
    }
    n.constValued = all;
    for (Node c : n.children.values()) {
      markConstValued(c);
    }
  }

  private boolean markBelow(Node n) {
    boolean any = n.hasRules();
    for (Node c : n.children.values()) {
      any |= markBelow(c);
    }
    n.hasRulesBelow = any;
    return any;
  }

  private void checkConflicts(Node n) {
    int kinds = 0;
    kinds += (!n.complete.isEmpty() || (n.defaultRule != null && !n.isFunction)) ? 1 : 0;
    kinds += !n.sets.isEmpty() ? 1 : 0;
    kinds += n.isFunction ? 1 : 0;
    if (kinds > 1 || (!n.objects.isEmpty() && (!n.sets.isEmpty() || n.isFunction || !n.complete.isEmpty()))) {
      Loc l = firstLoc(n);
      error("rego_type_error", "conflicting rules " + n.pathString + " found", l);
    }
    if (n.hasRules() && !n.children.isEmpty() && (!n.complete.isEmpty() || !n.sets.isEmpty() || n.isFunction)) {
      for (Node c : n.children.values()) {
        if (c.hasRulesBelow) {
          error("rego_type_error", "rule " + n.pathString + " conflicts with " + c.pathString, firstLoc(c) == null ? firstLoc(n) : firstLoc(c));
          break;
        }
      }
    }
    for (Node c : n.children.values()) {
      checkConflicts(c);
    }
  }

  private static Loc firstLoc(Node n) {
    for (List<CRule> l : List.of(n.complete, n.sets, n.objects, n.funcs)) {
      if (!l.isEmpty()) {
        return l.get(0).loc;
      }
    }
    return n.defaultRule == null ? null : n.defaultRule.loc;
  }

  // ---- scopes

  private static final class Scope {
    final Scope parent;
    final Map<String, Integer> names = new HashMap<>();
    /** Names declared (:=, some) further on in the body being resolved. */
    final Set<String> pending = new HashSet<>();
    /** Names declared so far with := or some. */
    final Set<String> declared = new HashSet<>();
    /** Slots of enclosing scopes used inside this scope: what a closure needs bound. */
    final BitSet captured = new BitSet();

    Scope(Scope parent) {
      this.parent = parent;
    }
  }

  /** Per-rule (or per-query) state of name resolution. */
  private final class Ctx {
    final Module module;
    final List<Value> pkg;
    final Set<String> ruleNames;
    final Map<String, Term> imports = new HashMap<>();
    final List<String> slotNames = new ArrayList<>();
    final IdentityHashMap<Object, BitSet> captured = Compiler.this.captured;

    Ctx(Module module) {
      this.module = module;
      this.pkg = module == null ? List.of() : strs(module.pkg());
      this.ruleNames = module == null ? Set.of() : rulesByPackage.getOrDefault(String.join(".", module.pkg()), Set.of());
      if (module != null) {
        for (Import im : module.imports()) {
          String root = im.path().get(0);
          if (!root.equals("data") && !root.equals("input")) {
            continue;
          }
          String alias = im.alias() != null ? im.alias() : im.path().get(im.path().size() - 1);
          List<Term> path = new ArrayList<>();
          for (int i = 1; i < im.path().size(); i++) {
            path.add(new Scalar(im.loc(), StringValue.of(im.path().get(i))));
          }
          Var head = new Var(im.loc(), root, root.equals("data") ? DATA_SLOT : INPUT_SLOT);
          imports.put(alias, path.isEmpty() ? head : new Ref(im.loc(), head, path));
        }
      }
    }

    int newSlot(Scope s, String name) {
      int slot = slotNames.size();
      slotNames.add(name);
      s.names.put(name, slot);
      return slot;
    }

    Integer lookupNoCapture(Scope s, String name) {
      for (Scope cur = s; cur != null; cur = cur.parent) {
        Integer slot = cur.names.get(name);
        if (slot != null) {
          return slot;
        }
      }
      return null;
    }

    /** Resolves a plain name: local slot, or a global (import, rule, input, data), or null. */
    Term lookup(Scope s, String name, Loc loc) {
      Scope origin = s;
      for (Scope cur = s; cur != null; cur = cur.parent) {
        Integer slot = cur.names.get(name);
        if (slot != null) {
          for (Scope c = origin; c != cur; c = c.parent) {
            c.captured.set(slot);
          }
          return new Var(loc, name, slot);
        }
      }
      return global(name, loc);
    }

    Term global(String name, Loc loc) {
      Term imp = imports.get(name);
      if (imp != null) {
        return relocate(imp, loc);
      }
      if (ruleNames.contains(name)) {
        List<Term> path = new ArrayList<>();
        for (Value v : pkg) {
          path.add(new Scalar(loc, v));
        }
        path.add(new Scalar(loc, StringValue.of(name)));
        return new Ref(loc, new Var(loc, "data", DATA_SLOT), path);
      }
      if (name.equals("input")) {
        return new Var(loc, "input", INPUT_SLOT);
      }
      if (name.equals("data")) {
        return new Var(loc, "data", DATA_SLOT);
      }
      return null;
    }
  }

  private static Term relocate(Term t, Loc loc) {
    if (t instanceof Var v) {
      return new Var(loc, v.name(), v.slot());
    }
    Ref r = (Ref) t;
    return new Ref(loc, relocate(r.head(), loc), r.path());
  }

  // ---- rules

  private void compileRule(Module m, Rule r, CRule cr) {
    CRule cur = cr;
    Rule rule = r;
    while (rule != null && cur != null) {
      compileOne(m, rule, cur);
      rule = rule.elseRule();
      cur = cur.elseRule;
    }
  }

  private void compileOne(Module m, Rule r, CRule cr) {
    Ctx ctx = new Ctx(m);
    Scope top = new Scope(null);
    BitSet bound = new BitSet();
    // function arguments (shared with else branches: use the first rule's patterns)
    List<Term> argTerms = r.args();
    if (r.kind() == RuleKind.FUNCTION && argTerms != null) {
      Term[] args = new Term[argTerms.size()];
      for (int i = 0; i < args.length; i++) {
        declarePatternVars(ctx, top, argTerms.get(i));
        args[i] = resolve(ctx, top, argTerms.get(i));
        patternVars(args[i], bound);
        allVars(args[i], bound);
      }
      cr.args = args;
    }
    Body body = r.body();
    if (body != null) {
      List<Expr> resolved = resolveBody(ctx, top, body);
      cr.body = order(ctx, resolved, bound, body.loc());
      collectBound(cr.body, bound);
    } else {
      cr.body = new Expr[0];
    }
    // head: suffix, key, value
    int constLen = 0;
    for (Term t : r.ref()) {
      if (t instanceof Scalar s && (s.value() instanceof StringValue || constLen > 0)) {
        constLen++;
      } else {
        break;
      }
    }
    if (r.ref().size() > constLen) {
      List<Term> suffix = new ArrayList<>();
      for (int i = constLen; i < r.ref().size(); i++) {
        suffix.add(headTerm(ctx, top, r.ref().get(i), bound));
      }
      cr.suffix = suffix.toArray(new Term[0]);
    }
    if (r.key() != null) {
      cr.key = headTerm(ctx, top, r.key(), bound);
    }
    if (r.value() != null) {
      cr.value = headTerm(ctx, top, r.value(), bound);
    }
    cr.nslots = ctx.slotNames.size();
    cr.slotNames = ctx.slotNames.toArray(new String[0]);
    cr.constValue = cr.value instanceof Scalar && cr.suffix == null && cr.key == null;
    if (r.isDefault() && cr.value != null) {
      BitSet vars = new BitSet();
      allVars(cr.value, vars);
      if (!vars.isEmpty()) {
        error("rego_type_error", "default rule value cannot contain var", r.loc());
      }
    }
  }

  private Term headTerm(Ctx ctx, Scope top, Term t, BitSet bound) {
    Term rt = resolve(ctx, top, t);
    rt = orderNested(ctx, rt, bound);
    BitSet need = new BitSet();
    allVars(rt, need);
    need.andNot(bound);
    BitSet iter = new BitSet();
    refOutVars(rt, iter);
    need.andNot(iter);
    for (int s = need.nextSetBit(0); s >= 0; s = need.nextSetBit(s + 1)) {
      String name = ctx.slotNames.get(s);
      if (!name.startsWith("$")) {
        error("rego_unsafe_var_error", "var " + name + " is unsafe", t.loc());
      } else {
        error("rego_unsafe_var_error", "var _ is unsafe", t.loc());
      }
    }
    return rt;
  }

  private void collectBound(Expr[] body, BitSet bound) {
    for (Expr e : body) {
      Analysis a = analyse(e);
      if (!e.negated()) {
        bound.or(a.out);
      }
    }
  }

  // ---- queries

  Plan.Query compileQuery(Body body, Module pkgContext) {
    Ctx ctx = new Ctx(pkgContext);
    Scope top = new Scope(null);
    List<Expr> resolved = resolveBody(ctx, top, body);
    Expr[] ordered = order(ctx, resolved, new BitSet(), body.loc());
    List<Integer> slots = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, Integer> e : top.names.entrySet()) {
      if (!e.getKey().startsWith("$")) {
        slots.add(e.getValue());
        names.add(e.getKey());
      }
    }
    captured.clear();
    int[] rs = new int[slots.size()];
    for (int i = 0; i < rs.length; i++) {
      rs[i] = slots.get(i);
    }
    return new Plan.Query(ordered, ctx.slotNames.size(), ctx.slotNames.toArray(new String[0]), rs,
        names.toArray(new String[0]));
  }

  // ---- name resolution

  private void declarePatternVars(Ctx ctx, Scope s, Term t) {
    switch (t) {
      case Var v -> {
        if (!s.names.containsKey(v.name()) && !v.name().equals("input") && !v.name().equals("data")) {
          ctx.newSlot(s, v.name());
        }
      }
      case ArrayTerm a -> a.items().forEach(x -> declarePatternVars(ctx, s, x));
      case ObjectTerm o -> o.values().forEach(x -> declarePatternVars(ctx, s, x));
      case SetTerm st -> st.items().forEach(x -> declarePatternVars(ctx, s, x));
      default -> {}
    }
  }

  /**
   * Resolves a body. Variables declared with {@code :=}, {@code some} or {@code some .. in} are
   * visible from their declaration on (so a comprehension written before a declaration has its
   * own variable of that name); other variables belong to the body wherever they appear.
   */
  private List<Expr> resolveBody(Ctx ctx, Scope s, Body body) {
    Set<String> declared = new HashSet<>();
    for (Expr e : body.exprs()) {
      switch (e) {
        case SomeDecl sd -> sd.vars().forEach(v -> declared.add(v.name()));
        case SomeIn si -> {
          if (si.key() != null) {
            patternNames(si.key(), declared);
          }
          patternNames(si.value(), declared);
        }
        case TermExpr te when te.term() instanceof Call c && c.name().equals("assign") ->
            patternNames(c.args().get(0), declared);
        default -> {}
      }
    }
    s.pending.addAll(declared);
    for (Expr e : body.exprs()) {
      implicitLocals(ctx, s, e);
    }
    List<Expr> out = new ArrayList<>();
    for (Expr e : body.exprs()) {
      switch (e) {
        case SomeDecl sd -> {
          for (Var v : sd.vars()) {
            s.pending.remove(v.name());
            s.declared.add(v.name());
            ctx.newSlot(s, v.name());
          }
        }
        case SomeIn si -> {
          Term coll = resolve(ctx, s, si.collection());
          if (si.key() != null) {
            declareFresh(ctx, s, si.key());
          }
          declareFresh(ctx, s, si.value());
          Term key = si.key() == null ? null : resolve(ctx, s, si.key());
          out.add(new SomeIn(si.loc(), key, resolve(ctx, s, si.value()), coll, si.negated(),
              resolveWiths(ctx, s, si.withs())));
        }
        case TermExpr te when te.term() instanceof Call c && c.name().equals("assign") && c.args().size() == 2 -> {
          Term lhs = c.args().get(0);
          checkAssignable(lhs);
          Term rhs = resolve(ctx, s, c.args().get(1));
          declareAssign(ctx, s, lhs, te.loc());
          Term rl = resolve(ctx, s, lhs);
          Call rc = new Call(c.loc(), c.name(), List.of(rl, rhs), resolveCallTarget(ctx, "assign", c.loc(), true));
          out.add(new TermExpr(te.loc(), te.negated(), rc, resolveWiths(ctx, s, te.withs())));
        }
        default -> {
          Expr r = resolveExpr(ctx, s, e);
          if (r != null) {
            out.add(r);
          }
        }
      }
    }
    s.pending.clear();
    if (out.isEmpty()) {
      Loc l = body.loc();
      out.add(new TermExpr(l, false, new Scalar(l, BooleanValue.TRUE), List.of()));
    }
    return out;
  }

  private static void patternNames(Term t, Set<String> out) {
    switch (t) {
      case Var v -> out.add(v.name());
      case ArrayTerm a -> a.items().forEach(x -> patternNames(x, out));
      case ObjectTerm o -> o.values().forEach(x -> patternNames(x, out));
      default -> {}
    }
  }

  private void checkAssignable(Term lhs) {
    switch (lhs) {
      case Var v -> {}
      case ArrayTerm a -> a.items().forEach(this::checkAssignable);
      case ObjectTerm o -> o.values().forEach(this::checkAssignable);
      case Scalar sc -> {}
      default -> error("rego_parse_error", "cannot assign to " + kindName(lhs), lhs.loc());
    }
  }

  private static String kindName(Term t) {
    return switch (t) {
      case Ref r -> "ref";
      case Call c -> "call";
      case SetTerm s -> "set";
      case Compr c -> "comprehension";
      default -> "term";
    };
  }

  private void declareAssign(Ctx ctx, Scope s, Term t, Loc loc) {
    switch (t) {
      case Var v -> {
        if (v.name().startsWith("$")) {
          ctx.newSlot(s, v.name());
          return;
        }
        if (s.names.containsKey(v.name())) {
          String what = s.declared.contains(v.name()) ? " assigned above" : " referenced above";
          error("rego_compile_error", "var " + v.name() + what, v.loc());
          return;
        }
        s.pending.remove(v.name());
        s.declared.add(v.name());
        if (v.name().equals("input") || v.name().equals("data")) {
          error("rego_compile_error", "variables must not shadow " + v.name() + " (use a different variable name)", v.loc());
          return;
        }
        ctx.newSlot(s, v.name());
      }
      case ArrayTerm a -> a.items().forEach(x -> declareAssign(ctx, s, x, loc));
      case ObjectTerm o -> o.values().forEach(x -> declareAssign(ctx, s, x, loc));
      default -> {}
    }
  }

  private void declareFresh(Ctx ctx, Scope s, Term t) {
    switch (t) {
      case Var v -> {
        s.pending.remove(v.name());
        s.declared.add(v.name());
        if (!s.names.containsKey(v.name())) {
          ctx.newSlot(s, v.name());
        }
      }
      case ArrayTerm a -> a.items().forEach(x -> declareFresh(ctx, s, x));
      case ObjectTerm o -> o.values().forEach(x -> declareFresh(ctx, s, x));
      default -> {}
    }
  }

  private void implicitLocals(Ctx ctx, Scope s, Expr e) {
    switch (e) {
      case TermExpr te -> {
        termLocals(ctx, s, te.term());
        for (With w : te.withs()) {
          String name = refName(w.value());
          if (name == null || resolveCallTarget(ctx, name, w.loc(), false) == null) {
            termLocals(ctx, s, w.value());
          }
        }
      }
      case SomeIn si -> termLocals(ctx, s, si.collection());
      case Every ev -> termLocals(ctx, s, ev.domain());
      default -> {}
    }
  }

  private void termLocals(Ctx ctx, Scope s, Term t) {
    switch (t) {
      case Var v -> {
        if (!s.pending.contains(v.name()) && ctx.lookupNoCapture(s, v.name()) == null
            && ctx.global(v.name(), v.loc()) == null) {
          ctx.newSlot(s, v.name());
        }
      }
      case Ref r -> {
        termLocals(ctx, s, r.head());
        r.path().forEach(x -> termLocals(ctx, s, x));
      }
      case ArrayTerm a -> a.items().forEach(x -> termLocals(ctx, s, x));
      case SetTerm a -> a.items().forEach(x -> termLocals(ctx, s, x));
      case ObjectTerm o -> {
        o.keys().forEach(x -> termLocals(ctx, s, x));
        o.values().forEach(x -> termLocals(ctx, s, x));
      }
      case Call c -> c.args().forEach(x -> termLocals(ctx, s, x));
      default -> {}
    }
  }

  private Expr resolveExpr(Ctx ctx, Scope s, Expr e) {
    return switch (e) {
      case SomeDecl sd -> null;
      case TermExpr te -> new TermExpr(te.loc(), te.negated(), resolve(ctx, s, te.term()), resolveWiths(ctx, s, te.withs()));
      case SomeIn si -> new SomeIn(si.loc(), si.key() == null ? null : resolve(ctx, s, si.key()),
          resolve(ctx, s, si.value()), resolve(ctx, s, si.collection()), si.negated(), resolveWiths(ctx, s, si.withs()));
      case Every ev -> {
        Term dom = resolve(ctx, s, ev.domain());
        Scope inner = new Scope(s);
        if (ev.key() != null) {
          declareFresh(ctx, inner, ev.key());
        }
        declareFresh(ctx, inner, ev.value());
        Term k = ev.key() == null ? null : resolve(ctx, inner, ev.key());
        Term v = resolve(ctx, inner, ev.value());
        List<Expr> body = resolveBody(ctx, inner, ev.body());
        Every out = new Every(ev.loc(), k, v, dom, new Body(ev.body().loc(), body), ev.negated(), resolveWiths(ctx, s, ev.withs()));
        propagateCapture(s, inner);
        ctx.captured.put(out, (BitSet) inner.captured.clone());
        yield out;
      }
    };
  }

  private static void propagateCapture(Scope outer, Scope inner) {
    // slots captured by the inner scope that are not owned by the outer one are captured by it too
    for (int slot = inner.captured.nextSetBit(0); slot >= 0; slot = inner.captured.nextSetBit(slot + 1)) {
      if (!outer.names.containsValue(slot)) {
        outer.captured.set(slot);
      }
    }
  }

  private List<With> resolveWiths(Ctx ctx, Scope s, List<With> withs) {
    if (withs.isEmpty()) {
      return withs;
    }
    List<With> out = new ArrayList<>();
    for (With w : withs) {
      Term target = resolveWithTarget(ctx, w);
      if (target == null) {
        continue;
      }
      Term value = resolveWithValue(ctx, s, w.value());
      out.add(new With(w.loc(), target, value));
    }
    return out;
  }

  private Term resolveWithTarget(Ctx ctx, With w) {
    Term t = w.target();
    String name = refName(t);
    if (t instanceof Var v && (v.name().equals("input") || v.name().equals("data"))
        || t instanceof Ref r && r.head() instanceof Var hv && (hv.name().equals("input") || hv.name().equals("data"))) {
      Var head = t instanceof Var v ? v : (Var) ((Ref) t).head();
      List<Term> path = t instanceof Ref r ? r.path() : List.of();
      for (Term p : path) {
        if (!(p instanceof Scalar)) {
          error("rego_compile_error", "with keyword target must be a ground reference", w.loc());
          return null;
        }
      }
      Node fn = head.name().equals("data") ? findNode(scalarPath(path)) : null;
      if (fn != null && fn.isFunction) {
        return new Call(w.loc(), fn.pathString, List.of(), new Target(fn.pathString, null, fn, Special.NONE, fnArity(fn)));
      }
      Var rh = new Var(head.loc(), head.name(), head.name().equals("data") ? DATA_SLOT : INPUT_SLOT);
      return path.isEmpty() ? rh : new Ref(t.loc(), rh, path);
    }
    if (name != null) {
      Target target = resolveCallTarget(ctx, name, w.loc(), false);
      if (target != null) {
        if (target.special() != Special.NONE && target.special() != Special.PRINT) {
          error("rego_compile_error", "with keyword replacing built-in function: replacement of internal function " + name + " not allowed", w.loc());
          return null;
        }
        return new Call(w.loc(), name, List.of(), target);
      }
    }
    error("rego_compile_error", "with keyword target must reference existing input, data, or a function", w.loc());
    return null;
  }

  private Term resolveWithValue(Ctx ctx, Scope s, Term value) {
    String name = refName(value);
    if (name != null && (value instanceof Ref || ctx.lookupNoCapture(s, name) == null)) {
      Target t = resolveCallTarget(ctx, name, value.loc(), false);
      if (t != null && (t.builtin() != null || t.func() != null)) {
        return new Call(value.loc(), name, List.of(), t);
      }
    }
    return resolve(ctx, s, value);
  }

  private static List<Value> scalarPath(List<Term> path) {
    List<Value> out = new ArrayList<>();
    for (Term t : path) {
      out.add(((Scalar) t).value());
    }
    return out;
  }

  private static String refName(Term t) {
    if (t instanceof Var v) {
      return v.name();
    }
    if (t instanceof Ref r && r.head() instanceof Var v) {
      StringBuilder sb = new StringBuilder(v.name());
      for (Term p : r.path()) {
        if (p instanceof Scalar sc && sc.value() instanceof StringValue sv) {
          sb.append('.').append(sv.value());
        } else {
          return null;
        }
      }
      return sb.toString();
    }
    return null;
  }

  Term resolve(Ctx ctx, Scope s, Term t) {
    return switch (t) {
      case Scalar sc -> sc;
      case Var v -> {
        if (v.slot() != -1) {
          yield v;
        }
        Term r = ctx.lookup(s, v.name(), v.loc());
        if (r == null) {
          int slot = ctx.newSlot(s, v.name());
          yield new Var(v.loc(), v.name(), slot);
        }
        yield r;
      }
      case Ref r -> {
        Term head = resolve(ctx, s, r.head());
        List<Term> path = new ArrayList<>();
        for (Term p : r.path()) {
          path.add(resolve(ctx, s, p));
        }
        if (head instanceof Ref hr) {
          List<Term> full = new ArrayList<>(hr.path());
          full.addAll(path);
          yield withRuleNode(new Ref(r.loc(), hr.head(), full));
        }
        yield withRuleNode(new Ref(r.loc(), head, path));
      }
      case ArrayTerm a -> new ArrayTerm(a.loc(), a.items().stream().map(x -> resolve(ctx, s, x)).toList());
      case SetTerm a -> new SetTerm(a.loc(), a.items().stream().map(x -> resolve(ctx, s, x)).toList());
      case ObjectTerm o -> new ObjectTerm(o.loc(), o.keys().stream().map(x -> resolve(ctx, s, x)).toList(),
          o.values().stream().map(x -> resolve(ctx, s, x)).toList());
      case Call c -> {
        Target target = resolveCallTarget(ctx, c.name(), c.loc(), true);
        List<Term> args = new ArrayList<>();
        for (Term a : c.args()) {
          args.add(resolve(ctx, s, a));
        }
        if (target != null && target.arity() >= 0 && args.size() != target.arity() && args.size() != target.arity() + 1) {
          error("rego_type_error", c.name() + ": arity mismatch: have " + args.size() + " operands, want " + target.arity(), c.loc());
        }
        if (target != null && target.special() == Special.ASSIGN || target != null && target.special() == Special.EQ) {
          if (args.size() != 2) {
            error("rego_type_error", c.name() + ": arity mismatch", c.loc());
          }
        }
        yield new Call(c.loc(), c.name(), args, target);
      }
      case Compr cp -> {
        Scope inner = new Scope(s);
        List<Expr> body = resolveBody(ctx, inner, cp.body());
        Term key = cp.key() == null ? null : resolve(ctx, inner, cp.key());
        Term value = resolve(ctx, inner, cp.value());
        Compr out = new Compr(cp.loc(), cp.kind(), key, value, new Body(cp.body().loc(), body));
        propagateCapture(s, inner);
        ctx.captured.put(out, (BitSet) inner.captured.clone());
        yield out;
      }
    };
  }

  /** Records the rule node a data reference's constant prefix reaches, if any. */
  private Ref withRuleNode(Ref r) {
    return withRuleNode(root, r);
  }

  /** The same against the rule tree under {@code root} (after compilation, when every module's rules are in it). */
  static Ref withRuleNode(Node root, Ref r) {
    if (!(r.head() instanceof Var v) || v.slot() != DATA_SLOT) {
      return r;
    }
    Node n = root;
    int depth = 0;
    for (Term p : r.path()) {
      if (n.hasRules() || !(p instanceof Scalar s)) {
        break;
      }
      n = n.children.get(s.value());
      if (n == null) {
        return r;
      }
      depth++;
    }
    if (!n.hasRules() || n.isFunction) {
      return r;
    }
    return new Ref(r.loc(), r.head(), r.path(), n, depth);
  }

  private static int fnArity(Node n) {
    return n.funcArity;
  }

  private Target resolveCallTarget(Ctx ctx, String name, Loc loc, boolean report) {
    switch (name) {
      case "eq":
        return new Target(name, null, null, Special.EQ, 2);
      case "assign":
        return new Target(name, null, null, Special.ASSIGN, 2);
      case "print":
        return new Target(name, null, null, Special.PRINT, -1);
      case "rego.metadata.rule":
        return new Target(name, null, null, Special.METADATA_RULE, 0);
      case "rego.metadata.chain":
        return new Target(name, null, null, Special.METADATA_CHAIN, 0);
      case "rego.parse_module":
        return new Target(name, null, null, Special.PARSE_MODULE, 2);
      default:
        break;
    }
    String[] parts = name.split("\\.");
    List<Value> path = null;
    Term g = ctx == null ? null : ctx.global(parts[0], loc);
    if (g != null) {
      if (g instanceof Ref r && r.head() instanceof Var hv && hv.name().equals("data")) {
        path = new ArrayList<>(scalarPathSafe(r.path()));
      } else if (g instanceof Var hv && hv.name().equals("data")) {
        path = new ArrayList<>();
      }
      if (path != null) {
        for (int i = 1; i < parts.length; i++) {
          path.add(StringValue.of(parts[i]));
        }
      }
    }
    if (path != null) {
      Node n = findNode(path);
      if (n != null && n.isFunction) {
        return new Target(n.pathString, null, n, Special.NONE, fnArity(n));
      }
    }
    Builtin b = builtins.get(name);
    if (b != null) {
      return new Target(name, b, null, Special.NONE, b.arity());
    }
    if (report) {
      error("rego_type_error", "undefined function " + name, loc);
    }
    return null;
  }

  private static List<Value> scalarPathSafe(List<Term> path) {
    List<Value> out = new ArrayList<>();
    for (Term t : path) {
      if (t instanceof Scalar s) {
        out.add(s.value());
      } else {
        return List.of(StringValue.of("\u0000"));
      }
    }
    return out;
  }

  // ---- variable analysis

  /** Variables a term would bind by unification (vars in composite structure). */
  static void patternVars(Term t, BitSet out) {
    switch (t) {
      case Var v -> {
        if (v.slot() >= 0) {
          out.set(v.slot());
        }
      }
      case ArrayTerm a -> a.items().forEach(x -> patternVars(x, out));
      case ObjectTerm o -> o.values().forEach(x -> patternVars(x, out));
      default -> {}
    }
  }

  /** Every variable in a term, closures contributing what they capture. */
  void allVars(Term t, BitSet out) {
    switch (t) {
      case Var v -> {
        if (v.slot() >= 0) {
          out.set(v.slot());
        }
      }
      case Ref r -> {
        allVars(r.head(), out);
        r.path().forEach(x -> allVars(x, out));
      }
      case ArrayTerm a -> a.items().forEach(x -> allVars(x, out));
      case SetTerm a -> a.items().forEach(x -> allVars(x, out));
      case ObjectTerm o -> {
        o.keys().forEach(x -> allVars(x, out));
        o.values().forEach(x -> allVars(x, out));
      }
      case Call c -> c.args().forEach(x -> allVars(x, out));
      case Compr cp -> {
        BitSet cap = captured.get(cp);
        if (cap != null) {
          out.or(cap);
        }
      }
      case Scalar s -> {}
    }
  }

  /** Variables bound by iterating references (vars in reference paths). */
  void refOutVars(Term t, BitSet out) {
    switch (t) {
      case Ref r -> {
        refOutVars(r.head(), out);
        for (Term p : r.path()) {
          patternVars(p, out);
          refOutVars(p, out);
        }
      }
      case ArrayTerm a -> a.items().forEach(x -> refOutVars(x, out));
      case SetTerm a -> a.items().forEach(x -> refOutVars(x, out));
      case ObjectTerm o -> {
        o.keys().forEach(x -> refOutVars(x, out));
        o.values().forEach(x -> refOutVars(x, out));
      }
      case Call c -> c.args().forEach(x -> refOutVars(x, out));
      default -> {}
    }
  }

  /** Closure captures of comprehensions and every, keyed by identity of the resolved node. */
  private final IdentityHashMap<Object, BitSet> captured = new IdentityHashMap<>();

  record Analysis(BitSet in, BitSet out, Term unifyA, Term unifyB) {}

  Analysis analyse(Expr e) {
    BitSet in = new BitSet();
    BitSet out = new BitSet();
    Term ua = null;
    Term ub = null;
    switch (e) {
      case TermExpr te -> {
        Term t = te.term();
        if (t instanceof Call c && c.target() != null
            && (c.target().special() == Special.EQ || c.target().special() == Special.ASSIGN) && c.args().size() == 2) {
          ua = c.args().get(0);
          ub = c.args().get(1);
          allVars(ua, in);
          allVars(ub, in);
          refOutVars(ua, out);
          refOutVars(ub, out);
          patternVars(ua, out);
          patternVars(ub, out);
          in.andNot(out);
        } else if (t instanceof Call c && c.target() != null && c.target().arity() >= 0
            && c.args().size() == c.target().arity() + 1) {
          for (Term a : c.args()) {
            allVars(a, in);
            refOutVars(a, out);
          }
          Term last = c.args().get(c.args().size() - 1);
          patternVars(last, out);
          in.andNot(out);
        } else {
          allVars(t, in);
          refOutVars(t, out);
          in.andNot(out);
        }
        for (With w : te.withs()) {
          allVars(w.value(), in);
        }
      }
      case SomeIn si -> {
        allVars(si.collection(), in);
        refOutVars(si.collection(), out);
        if (si.key() != null) {
          allVars(si.key(), in);
          patternVars(si.key(), out);
        }
        allVars(si.value(), in);
        patternVars(si.value(), out);
        in.andNot(out);
      }
      case Every ev -> {
        allVars(ev.domain(), in);
        BitSet dom = new BitSet();
        refOutVars(ev.domain(), dom);
        in.andNot(dom);
        BitSet cap = captured.get(ev);
        if (cap != null) {
          in.or(cap);
        }
      }
      case SomeDecl sd -> {}
    }
    for (With w : e.withs()) {
      allVars(w.value(), in);
    }
    return new Analysis(in, out, ua, ub);
  }

  /** Whether a unification of {@code a} and {@code b} can run with {@code bound} variables. */
  private static boolean unifiable(Term a, Term b, BitSet bound) {
    BitSet pa = new BitSet();
    patternVars(a, pa);
    pa.andNot(bound);
    if (pa.isEmpty()) {
      return true;
    }
    BitSet pb = new BitSet();
    patternVars(b, pb);
    pb.andNot(bound);
    if (pb.isEmpty()) {
      return true;
    }
    if (a instanceof ArrayTerm x && b instanceof ArrayTerm y && x.items().size() == y.items().size()) {
      BitSet cur = (BitSet) bound.clone();
      boolean progress = true;
      boolean[] done = new boolean[x.items().size()];
      int left = done.length;
      while (progress && left > 0) {
        progress = false;
        for (int i = 0; i < done.length; i++) {
          if (!done[i] && unifiable(x.items().get(i), y.items().get(i), cur)) {
            done[i] = true;
            left--;
            progress = true;
            patternVars(x.items().get(i), cur);
            patternVars(y.items().get(i), cur);
          }
        }
      }
      return left == 0;
    }
    if (a instanceof ObjectTerm x && b instanceof ObjectTerm y && x.keys().size() == y.keys().size()) {
      for (int i = 0; i < x.keys().size(); i++) {
        int j = indexOfKey(y.keys(), x.keys().get(i));
        if (j < 0 || !unifiable(x.values().get(i), y.values().get(j), bound)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  static int indexOfKey(List<Term> keys, Term key) {
    if (!(key instanceof Scalar k)) {
      return -1;
    }
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i) instanceof Scalar s && s.value().equals(k.value())) {
        return i;
      }
    }
    return -1;
  }

  // ---- ordering

  private Expr[] order(Ctx ctx, List<Expr> exprs, BitSet outerBound, Loc bodyLoc) {
    BitSet bound = (BitSet) outerBound.clone();
    int n = exprs.size();
    Analysis[] an = new Analysis[n];
    for (int i = 0; i < n; i++) {
      an[i] = analyse(exprs.get(i));
    }
    // vars that positive expressions can bind: negated ones must wait for them
    BitSet positiveOut = new BitSet();
    for (int i = 0; i < n; i++) {
      if (!exprs.get(i).negated()) {
        positiveOut.or(an[i].out);
      }
    }
    boolean[] done = new boolean[n];
    List<Expr> out = new ArrayList<>(n);
    int left = n;
    while (left > 0) {
      boolean progress = false;
      for (int i = 0; i < n; i++) {
        if (done[i]) {
          continue;
        }
        if (ready(exprs.get(i), an[i], bound, positiveOut)) {
          done[i] = true;
          left--;
          progress = true;
          out.add(orderNestedExpr(ctx, exprs.get(i), bound));
          if (!exprs.get(i).negated()) {
            bound.or(an[i].out);
          }
          break;
        }
      }
      if (!progress) {
        break;
      }
    }
    if (left > 0) {
      Set<String> reported = new HashSet<>();
      for (int i = 0; i < n; i++) {
        if (done[i]) {
          continue;
        }
        BitSet need = (BitSet) an[i].in.clone();
        if (an[i].unifyA != null) {
          patternVars(an[i].unifyA, need);
          patternVars(an[i].unifyB, need);
        }
        if (exprs.get(i).negated()) {
          need.or(an[i].out);
        }
        need.andNot(bound);
        for (int s = need.nextSetBit(0); s >= 0; s = need.nextSetBit(s + 1)) {
          String name = ctx.slotNames.get(s);
          String shown = name.startsWith("$") ? "_" : name;
          if (reported.add(shown + exprs.get(i).loc())) {
            error("rego_unsafe_var_error", "var " + shown + " is unsafe", exprs.get(i).loc());
          }
        }
      }
      for (int i = 0; i < n; i++) {
        if (!done[i]) {
          out.add(exprs.get(i));
        }
      }
    }
    return out.toArray(new Expr[0]);
  }

  private boolean ready(Expr e, Analysis a, BitSet bound, BitSet positiveOut) {
    BitSet need = (BitSet) a.in.clone();
    need.andNot(bound);
    if (!need.isEmpty()) {
      return false;
    }
    if (e.negated()) {
      // vars of a negated expression bound elsewhere must be bound first
      BitSet o = (BitSet) a.out.clone();
      if (a.unifyA != null) {
        patternVars(a.unifyA, o);
        patternVars(a.unifyB, o);
        if (!unifiable(a.unifyA, a.unifyB, bound)) {
          return false;
        }
      }
      o.and(positiveOut);
      o.andNot(bound);
      return o.isEmpty();
    }
    if (a.unifyA != null) {
      return unifiable(a.unifyA, a.unifyB, bound);
    }
    return true;
  }

  private Expr orderNestedExpr(Ctx ctx, Expr e, BitSet bound) {
    return switch (e) {
      case TermExpr te -> new TermExpr(te.loc(), te.negated(), orderNested(ctx, te.term(), bound), orderWiths(ctx, te.withs(), bound));
      case SomeIn si -> new SomeIn(si.loc(), si.key(), si.value(), orderNested(ctx, si.collection(), bound), si.negated(), orderWiths(ctx, si.withs(), bound));
      case Every ev -> {
        BitSet inner = (BitSet) bound.clone();
        if (ev.key() != null) {
          patternVars(ev.key(), inner);
        }
        patternVars(ev.value(), inner);
        Expr[] body = order(ctx, ev.body().exprs(), inner, ev.body().loc());
        Every out = new Every(ev.loc(), ev.key(), ev.value(), orderNested(ctx, ev.domain(), bound),
            new Body(ev.body().loc(), List.of(body)), ev.negated(), orderWiths(ctx, ev.withs(), bound));
        captured.put(out, captured.get(ev));
        yield out;
      }
      case SomeDecl sd -> sd;
    };
  }

  private List<With> orderWiths(Ctx ctx, List<With> withs, BitSet bound) {
    if (withs.isEmpty()) {
      return withs;
    }
    List<With> out = new ArrayList<>();
    for (With w : withs) {
      out.add(new With(w.loc(), w.target(), orderNested(ctx, w.value(), bound)));
    }
    return out;
  }

  private Term orderNested(Ctx ctx, Term t, BitSet bound) {
    return switch (t) {
      case Compr cp -> {
        Expr[] body = order(ctx, cp.body().exprs(), bound, cp.body().loc());
        BitSet inner = (BitSet) bound.clone();
        collectBound(body, inner);
        Term key = cp.key() == null ? null : orderNested(ctx, cp.key(), inner);
        Term value = orderNested(ctx, cp.value(), inner);
        BitSet need = new BitSet();
        if (key != null) {
          allVars(key, need);
        }
        allVars(value, need);
        need.andNot(inner);
        for (int s = need.nextSetBit(0); s >= 0; s = need.nextSetBit(s + 1)) {
          String name = ctx.slotNames.get(s);
          error("rego_unsafe_var_error", "var " + (name.startsWith("$") ? "_" : name) + " is unsafe", cp.loc());
        }
        Compr out = new Compr(cp.loc(), cp.kind(), key, value, new Body(cp.body().loc(), List.of(body)));
        captured.put(out, captured.get(cp));
        yield out;
      }
      case Ref r -> new Ref(r.loc(), orderNested(ctx, r.head(), bound),
          r.path().stream().map(x -> orderNested(ctx, x, bound)).toList(), r.ruleNode(), r.ruleDepth());
      case ArrayTerm a -> new ArrayTerm(a.loc(), a.items().stream().map(x -> orderNested(ctx, x, bound)).toList());
      case SetTerm a -> new SetTerm(a.loc(), a.items().stream().map(x -> orderNested(ctx, x, bound)).toList());
      case ObjectTerm o -> new ObjectTerm(o.loc(), o.keys().stream().map(x -> orderNested(ctx, x, bound)).toList(),
          o.values().stream().map(x -> orderNested(ctx, x, bound)).toList());
      case Call c -> new Call(c.loc(), c.name(), c.args().stream().map(x -> orderNested(ctx, x, bound)).toList(), c.target());
      default -> t;
    };
  }
}
