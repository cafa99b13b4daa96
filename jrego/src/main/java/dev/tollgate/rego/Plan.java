package dev.tollgate.rego;

import dev.tollgate.rego.Ast.Expr;
import dev.tollgate.rego.Ast.Loc;
import dev.tollgate.rego.Ast.RuleKind;
import dev.tollgate.rego.Ast.Term;
import dev.tollgate.rego.builtins.Builtin;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compiled, immutable-after-construction structures the evaluator walks. */
final class Plan {
  private Plan() {}

  /** A node of the rule tree that shares the {@code data} namespace with base documents. */
  static final class Node {
    final List<Value> path;
    final String pathString;
    final Map<Value, Node> children = new LinkedHashMap<>();
    final List<CRule> complete = new ArrayList<>();
    CRule defaultRule;
    final List<CRule> sets = new ArrayList<>();
    final List<CRule> objects = new ArrayList<>();
    final List<CRule> funcs = new ArrayList<>();
    /** Rules grouped by an indexed input value (null when the node is not indexed). */
    RuleIndex index;
    /** The same for partial set rules. */
    RuleIndex setIndex;
    /** Whether the rules here are functions (including a default function). */
    boolean isFunction;
    /** Whether every function definition (else branches included) has a constant value. */
    boolean constValued;
    int funcArity = -1;
    /** Whether rules exist at or below this node. */
    boolean hasRulesBelow;
    int id;

    Node(List<Value> path) {
      this.path = List.copyOf(path);
      StringBuilder sb = new StringBuilder("data");
      for (Value v : path) {
        if (v instanceof dev.tollgate.rego.value.StringValue s && isIdent(s.value())) {
          sb.append('.').append(s.value());
        } else {
          sb.append('[').append(v.toJson()).append(']');
        }
      }
      this.pathString = sb.toString();
    }

    boolean hasRules() {
      return isFunction || !complete.isEmpty() || defaultRule != null || !sets.isEmpty() || !objects.isEmpty()
          || !funcs.isEmpty();
    }

    static boolean isIdent(String s) {
      if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
        return false;
      }
      for (int i = 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!(Character.isLetterOrDigit(c) || c == '_')) {
          return false;
        }
      }
      return true;
    }
  }

  /** One compiled rule (or one else branch, or one function definition). */
  static final class CRule {
    final RuleKind kind;
    final Loc loc;
    final Node node;
    Expr[] body;
    Term key;
    Term value;
    Term[] suffix;
    Term[] args;
    int nslots;
    int argCount;
    String[] slotNames;
    CRule elseRule;
    boolean isDefault;
    /** True when every solution yields the same value, so the first one suffices. */
    boolean constValue;
    final String pkg;
    /** METADATA annotations of this rule and of its package (null when none). */
    Value annotations;
    Value packageAnnotations;

    CRule(RuleKind kind, Loc loc, Node node, String pkg) {
      this.kind = kind;
      this.loc = loc;
      this.node = node;
      this.pkg = pkg;
    }

    /** A copy whose body lacks expression {@code skip} (one a rule index has already decided). */
    CRule without(int skip) {
      CRule c = new CRule(kind, loc, node, pkg);
      Expr[] b = new Expr[body.length - 1];
      for (int i = 0, j = 0; i < body.length; i++) {
        if (i != skip) {
          b[j++] = body[i];
        }
      }
      if (b.length == 0) {
        b = new Expr[] {new Ast.TermExpr(loc, false, new Ast.Scalar(loc, dev.tollgate.rego.value.BooleanValue.TRUE), List.of())};
      }
      c.body = b;
      c.key = key;
      c.value = value;
      c.suffix = suffix;
      c.args = args;
      c.nslots = nslots;
      c.argCount = argCount;
      c.slotNames = slotNames;
      c.elseRule = elseRule;
      c.isDefault = isDefault;
      c.constValue = constValue;
      c.annotations = annotations;
      c.packageAnnotations = packageAnnotations;
      return c;
    }
  }

  /** What a call resolves to. */
  record Target(String key, Builtin builtin, Node func, Special special, int arity) {}

  enum Special {
    EQ,
    ASSIGN,
    PRINT,
    METADATA_RULE,
    METADATA_CHAIN,
    PARSE_MODULE,
    NONE
  }

  /**
   * Rules of one node grouped by the value of one input reference that each of them tests with
   * equality against a constant; rules without such a test are always candidates.
   */
  record RuleIndex(Term ref, Map<Value, List<CRule>> byValue, List<CRule> always, List<CRule> all) {}

  /** A compiled query. */
  record Query(Expr[] body, int nslots, String[] slotNames, int[] resultSlots, String[] resultNames) {}
}
