package dev.tollgate.rego.testing;

import dev.tollgate.rego.EvalListener;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Records one or more evaluations: which expressions ran, which rule definitions produced a value,
 * and for each definition the furthest top-level body expression any of its evaluations reached.
 * Evaluation is a backtracking search, so the furthest expression reached is the one that stopped
 * every path through the body: the first expression that was false or undefined.
 */
final class TraceRecorder implements EvalListener {
  private final Outlines outlines;
  private final Deque<Frame> stack = new ArrayDeque<>();
  private final Map<String, DefinitionTrace> definitions = new HashMap<>();
  private final Set<String> expressionsHit = new HashSet<>();
  private final Set<String> headsProduced = new HashSet<>();
  /** Definitions that did not apply, by the definition and top-level expression that needed them. */
  private final Map<String, Map<String, Set<String>>> failedBelow = new HashMap<>();

  /** What happened to one definition across the recorded evaluations. */
  static final class DefinitionTrace {
    boolean evaluated;
    boolean produced;
    int furthest = -1;
  }

  private static final class Frame {
    final String location;
    final Map<String, Integer> index;
    int furthest = -1;
    /** The top-level body expression being evaluated, or null. */
    String current;

    Frame(String location, Map<String, Integer> index) {
      this.location = location;
      this.index = index;
    }
  }

  TraceRecorder(Outlines outlines) {
    this.outlines = outlines;
  }

  @Override
  public void enterRule(String location) {
    stack.push(new Frame(location, outlines.exprIndex(location)));
  }

  @Override
  public void exitRule(String location, boolean produced) {
    Frame f = stack.peek();
    while (f != null && !f.location.equals(location)) {
      stack.pop();
      f = stack.peek();
    }
    if (f == null) {
      return;
    }
    stack.pop();
    Frame parent = stack.peek();
    if (!produced && parent != null && parent.current != null) {
      failedBelow.computeIfAbsent(parent.location, k -> new HashMap<>())
          .computeIfAbsent(parent.current, k -> new java.util.LinkedHashSet<>()).add(location);
    }
    DefinitionTrace d = definitions.computeIfAbsent(location, k -> new DefinitionTrace());
    d.evaluated = true;
    d.produced |= produced;
    d.furthest = Math.max(d.furthest, f.furthest);
    if (produced) {
      headsProduced.add(location);
    }
  }

  @Override
  public void defaultUsed(String location) {
    DefinitionTrace d = definitions.computeIfAbsent(location, k -> new DefinitionTrace());
    d.evaluated = true;
    d.produced = true;
    headsProduced.add(location);
  }

  @Override
  public void expression(String location) {
    expressionsHit.add(location);
    Frame f = stack.peek();
    if (f != null) {
      Integer i = f.index.get(location);
      if (i != null) {
        f.current = location;
        if (i > f.furthest) {
          f.furthest = i;
        }
      }
    }
  }

  Outlines outlines() {
    return outlines;
  }

  /** The trace of the definition whose head is at {@code location}, or null when never evaluated. */
  DefinitionTrace definition(String location) {
    return definitions.get(location);
  }

  /**
   * Definitions that did not apply while the top-level expression {@code expression} of the
   * definition at {@code definition} was evaluated.
   */
  Set<String> failedBelow(String definition, String expression) {
    return failedBelow.getOrDefault(definition, Map.of()).getOrDefault(expression, Set.of());
  }

  Set<String> expressionsHit() {
    return expressionsHit;
  }

  Set<String> headsProduced() {
    return headsProduced;
  }

  /** Resets per-evaluation state when an evaluation ended with an error part-way. */
  void clearStack() {
    stack.clear();
  }
}
