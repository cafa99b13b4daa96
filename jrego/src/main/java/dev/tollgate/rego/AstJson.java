package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Body;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Compr;
import dev.tollgate.rego.Ast.Every;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.Import;
import dev.tollgate.rego.Ast.Module;
import dev.tollgate.rego.Ast.ObjectTerm;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.Rule;
import dev.tollgate.rego.Ast.Scalar;
import dev.tollgate.rego.Ast.SetTerm;
import dev.tollgate.rego.Ast.SomeDecl;
import dev.tollgate.rego.Ast.SomeIn;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.Var;
import dev.tollgate.rego.Ast.With;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.List;

/** A parsed module as a Rego value in the shape of OPA's JSON AST (rego.parse_module). */
final class AstJson {
  private AstJson() {}

  static Value module(Module m) {
    List<Value> pkgPath = new ArrayList<>();
    pkgPath.add(term("var", Value.of("data")));
    for (String s : m.pkg()) {
      pkgPath.add(term("string", Value.of(s)));
    }
    ObjectValue.Builder b = ObjectValue.builder()
        .put("package", ObjectValue.builder().put("path", ArrayValue.of(pkgPath)).build());
    if (!m.imports().isEmpty()) {
      List<Value> imports = new ArrayList<>();
      for (Import im : m.imports()) {
        List<Value> path = new ArrayList<>();
        path.add(term("var", Value.of(im.path().get(0))));
        for (int i = 1; i < im.path().size(); i++) {
          path.add(term("string", Value.of(im.path().get(i))));
        }
        ObjectValue.Builder ib = ObjectValue.builder().put("path", term("ref", ArrayValue.of(path)));
        if (im.alias() != null) {
          ib.put("alias", Value.of(im.alias()));
        }
        imports.add(ib.build());
      }
      b.put("imports", ArrayValue.of(imports));
    }
    List<Value> rules = new ArrayList<>();
    for (Rule r : m.rules()) {
      rules.add(rule(r));
    }
    if (!rules.isEmpty()) {
      b.put("rules", ArrayValue.of(rules));
    }
    return b.build();
  }

  private static Value rule(Rule r) {
    ObjectValue.Builder head = ObjectValue.builder();
    String name = ((StringValue) ((Scalar) r.ref().get(0)).value()).value();
    head.put("name", Value.of(name));
    List<Value> ref = new ArrayList<>();
    ref.add(term("var", Value.of(name)));
    for (int i = 1; i < r.ref().size(); i++) {
      ref.add(term(r.ref().get(i)));
    }
    head.put("ref", ArrayValue.of(ref));
    if (r.args() != null) {
      head.put("args", terms(r.args()));
    }
    if (r.key() != null) {
      head.put("key", term(r.key()));
    }
    if (r.value() != null) {
      head.put("value", term(r.value()));
    }
    if (r.assign()) {
      head.put("assign", BooleanValue.TRUE);
    }
    ObjectValue.Builder b = ObjectValue.builder().put("head", head.build());
    b.put("body", r.body() == null ? ArrayValue.of(expr(new TermExpr(r.loc(), false,
        new Scalar(r.loc(), BooleanValue.TRUE), List.of()), 0)) : body(r.body()));
    if (r.isDefault()) {
      b.put("default", BooleanValue.TRUE);
    }
    if (r.elseRule() != null) {
      b.put("else", rule(r.elseRule()));
    }
    return b.build();
  }

  private static Value body(Body body) {
    List<Value> out = new ArrayList<>();
    int i = 0;
    for (Expr e : body.exprs()) {
      out.add(expr(e, i++));
    }
    return ArrayValue.of(out);
  }

  private static Value expr(Expr e, int index) {
    ObjectValue.Builder b = ObjectValue.builder().put("index", NumberValue.of(index));
    if (e.negated()) {
      b.put("negated", BooleanValue.TRUE);
    }
    switch (e) {
      case TermExpr te -> {
        if (te.term() instanceof Call c) {
          List<Value> parts = new ArrayList<>();
          parts.add(operator(c.name()));
          for (Term a : c.args()) {
            parts.add(term(a));
          }
          b.put("terms", ArrayValue.of(parts));
        } else {
          b.put("terms", term(te.term()));
        }
      }
      case SomeDecl sd -> {
        List<Value> vars = new ArrayList<>();
        for (Var v : sd.vars()) {
          vars.add(term(v));
        }
        b.put("terms", ObjectValue.builder().put("symbols", ArrayValue.of(term("array", ArrayValue.of(vars)))).build());
      }
      case SomeIn si -> {
        List<Value> args = new ArrayList<>();
        if (si.key() != null) {
          args.add(term(si.key()));
        }
        args.add(term(si.value()));
        args.add(term(si.collection()));
        List<Value> call = new ArrayList<>();
        call.add(operator(si.key() == null ? "internal.member_2" : "internal.member_3"));
        call.addAll(args);
        b.put("terms", ObjectValue.builder().put("symbols",
            ArrayValue.of(term("call", ArrayValue.of(call)))).build());
      }
      case Every ev -> {
        ObjectValue.Builder eb = ObjectValue.builder();
        if (ev.key() != null) {
          eb.put("key", term(ev.key()));
        }
        eb.put("value", term(ev.value())).put("domain", term(ev.domain())).put("body", body(ev.body()));
        b.put("terms", eb.build());
      }
    }
    if (!e.withs().isEmpty()) {
      List<Value> ws = new ArrayList<>();
      for (With w : e.withs()) {
        ws.add(ObjectValue.builder().put("target", term(w.target())).put("value", term(w.value())).build());
      }
      b.put("with", ArrayValue.of(ws));
    }
    return b.build();
  }

  private static Value operator(String name) {
    String[] parts = name.split("\\.");
    List<Value> ref = new ArrayList<>();
    ref.add(term("var", Value.of(parts[0])));
    for (int i = 1; i < parts.length; i++) {
      ref.add(term("string", Value.of(parts[i])));
    }
    return term("ref", ArrayValue.of(ref));
  }

  private static Value terms(List<Term> ts) {
    List<Value> out = new ArrayList<>();
    for (Term t : ts) {
      out.add(term(t));
    }
    return ArrayValue.of(out);
  }

  private static Value term(String type, Value value) {
    return ObjectValue.builder().put("type", Value.of(type)).put("value", value).build();
  }

  static Value term(Term t) {
    return switch (t) {
      case Scalar s -> switch (s.value()) {
        case NullValue n -> ObjectValue.builder().put("type", Value.of("null")).build();
        case BooleanValue bv -> term("boolean", bv);
        case NumberValue nv -> term("number", nv);
        case StringValue sv -> term("string", sv);
        default -> term(s.value().typeName(), s.value());
      };
      case Var v -> term("var", Value.of(v.name().startsWith("$") ? "$" + v.name().substring(1) : v.name()));
      case Ref r -> {
        List<Value> parts = new ArrayList<>();
        parts.add(term(r.head()));
        for (Term p : r.path()) {
          parts.add(term(p));
        }
        yield term("ref", ArrayValue.of(parts));
      }
      case ArrayTerm a -> term("array", terms(a.items()));
      case SetTerm st -> term("set", terms(st.items()));
      case ObjectTerm o -> {
        List<Value> pairs = new ArrayList<>();
        for (int i = 0; i < o.keys().size(); i++) {
          pairs.add(ArrayValue.of(term(o.keys().get(i)), term(o.values().get(i))));
        }
        yield term("object", ArrayValue.of(pairs));
      }
      case Call c -> {
        List<Value> parts = new ArrayList<>();
        parts.add(operator(c.name()));
        for (Term a : c.args()) {
          parts.add(term(a));
        }
        yield term("call", ArrayValue.of(parts));
      }
      case Compr cp -> {
        String type = switch (cp.kind()) {
          case ARRAY -> "arraycomprehension";
          case SET -> "setcomprehension";
          case OBJECT -> "objectcomprehension";
        };
        ObjectValue.Builder b = ObjectValue.builder();
        if (cp.key() != null) {
          b.put("key", term(cp.key())).put("value", term(cp.value()));
        } else {
          b.put("term", term(cp.value()));
        }
        b.put("body", body(cp.body()));
        yield term(type, b.build());
      }
    };
  }
}
