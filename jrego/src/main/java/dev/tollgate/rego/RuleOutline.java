package dev.tollgate.rego;

import dev.tollgate.rego.Ast.ArrayTerm;
import dev.tollgate.rego.Ast.Call;
import dev.tollgate.rego.Ast.Compr;
import dev.tollgate.rego.Ast.Every;
import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.ObjectTerm;
import dev.tollgate.rego.Ast.Ref;
import dev.tollgate.rego.Ast.SetTerm;
import dev.tollgate.rego.Ast.SomeIn;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.Ast.TermExpr;
import dev.tollgate.rego.Ast.With;
import dev.tollgate.rego.Plan.CRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiled shape of one rule definition, for tools: where its head is and which expressions
 * its body evaluates, in evaluation order (the compiler may reorder them for safety).
 *
 * @param ref the document the rule defines, e.g. {@code data.authz.allow}
 * @param location the head's {@code file:line:col}
 * @param isDefault whether this is a {@code default} rule
 * @param function whether the rule is a function
 * @param body locations of the top-level body expressions, in evaluation order
 * @param nested locations of expressions in nested bodies (comprehensions, {@code every})
 * @param elseBranch the next {@code else} branch, or null
 */
public record RuleOutline(
    String ref,
    String location,
    boolean isDefault,
    boolean function,
    List<String> body,
    List<String> nested,
    RuleOutline elseBranch) {
  public RuleOutline {
    body = List.copyOf(body);
    nested = List.copyOf(nested);
  }

  static List<RuleOutline> of(List<CRule> rules) {
    List<RuleOutline> out = new ArrayList<>();
    for (CRule r : rules) {
      out.add(of(r));
    }
    return List.copyOf(out);
  }

  private static RuleOutline of(CRule r) {
    List<String> body = new ArrayList<>();
    List<String> nested = new ArrayList<>();
    if (r.body != null) {
      for (Expr e : r.body) {
        body.add(e.loc().toString());
        nestedInExpr(e, nested);
      }
    }
    for (Term t : new Term[] {r.key, r.value}) {
      nestedInTerm(t, nested);
    }
    if (r.suffix != null) {
      for (Term t : r.suffix) {
        nestedInTerm(t, nested);
      }
    }
    return new RuleOutline(r.node.pathString, r.loc.toString(), r.isDefault, r.kind == Ast.RuleKind.FUNCTION,
        body, nested, r.elseRule == null ? null : of(r.elseRule));
  }

  private static void nestedInBody(List<Expr> exprs, List<String> out) {
    for (Expr e : exprs) {
      out.add(e.loc().toString());
      nestedInExpr(e, out);
    }
  }

  private static void nestedInExpr(Expr e, List<String> out) {
    switch (e) {
      case TermExpr te -> nestedInTerm(te.term(), out);
      case SomeIn si -> {
        nestedInTerm(si.key(), out);
        nestedInTerm(si.value(), out);
        nestedInTerm(si.collection(), out);
      }
      case Every ev -> {
        nestedInTerm(ev.domain(), out);
        nestedInBody(ev.body().exprs(), out);
      }
      case Ast.SomeDecl sd -> {}
    }
    for (With w : e.withs()) {
      nestedInTerm(w.value(), out);
    }
  }

  private static void nestedInTerm(Term t, List<String> out) {
    switch (t) {
      case null -> {}
      case Ref r -> {
        nestedInTerm(r.head(), out);
        r.path().forEach(p -> nestedInTerm(p, out));
      }
      case ArrayTerm a -> a.items().forEach(x -> nestedInTerm(x, out));
      case SetTerm s -> s.items().forEach(x -> nestedInTerm(x, out));
      case ObjectTerm o -> {
        o.keys().forEach(x -> nestedInTerm(x, out));
        o.values().forEach(x -> nestedInTerm(x, out));
      }
      case Call c -> c.args().forEach(x -> nestedInTerm(x, out));
      case Compr c -> {
        nestedInTerm(c.key(), out);
        nestedInTerm(c.value(), out);
        nestedInBody(c.body().exprs(), out);
      }
      default -> {}
    }
  }
}
