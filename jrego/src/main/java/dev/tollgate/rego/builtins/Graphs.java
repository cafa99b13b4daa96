package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code walk} (a relation), {@code graph.reachable} and {@code graph.reachable_paths}. */
final class Graphs {
  private Graphs() {}

  static void register(BuiltinRegistry.Builder r) {
    r.add(new Builtin("walk", 1, true, false, (ctx, a) -> {
      List<Value> out = new ArrayList<>();
      walk(ctx, a[0], new ArrayList<>(), out);
      return ArrayValue.of(out);
    }));
    r.function("graph.reachable", 2, (ctx, a) -> {
      ObjectValue graph = Args.object(a, 0);
      ArrayDeque<Value> queue = new ArrayDeque<>(vertices(a, 1));
      Set<Value> reached = new HashSet<>();
      while (!queue.isEmpty()) {
        Value node = queue.poll();
        Value edges = graph.get(node);
        if (edges != null && reached.add(node)) {
          for (Value next : neighbours(edges)) {
            if (!reached.contains(next)) {
              queue.add(next);
            }
          }
        }
      }
      return SetValue.of(reached);
    });
    r.function("graph.reachable_paths", 2, (ctx, a) -> {
      ObjectValue graph = Args.object(a, 0);
      Set<Value> paths = new LinkedHashSet<>();
      for (Value node : vertices(a, 1)) {
        Value edges = graph.get(node);
        if (edges == null) {
          continue;
        }
        List<Value> next = neighbours(edges);
        if (next.isEmpty()) {
          paths.add(ArrayValue.of(node));
          continue;
        }
        for (Value n : next) {
          paths(ctx, graph, n, List.of(node), Set.of(node), paths);
        }
      }
      return SetValue.of(paths);
    });
  }

  /** Pre-order: the value itself under the empty path, then each child, keys in value order. */
  private static void walk(BuiltinContext ctx, Value v, List<Value> path, List<Value> out) {
    ctx.charge(1 + path.size());
    out.add(ArrayValue.of(ArrayValue.of(path), v));
    switch (v) {
      case ArrayValue a -> {
        for (int i = 0; i < a.size(); i++) {
          path.add(NumberValue.of(i));
          walk(ctx, a.get(i), path, out);
          path.removeLast();
        }
      }
      case ObjectValue o -> {
        for (Value k : o.sortedKeys()) {
          path.add(k);
          walk(ctx, o.get(k), path, out);
          path.removeLast();
        }
      }
      case SetValue s -> {
        for (Value e : s.sorted()) {
          path.add(e);
          walk(ctx, e, path, out);
          path.removeLast();
        }
      }
      default -> { }
    }
  }

  private static List<Value> vertices(Value[] a, int i) throws BuiltinException {
    return switch (a[i]) {
      case ArrayValue arr -> arr.asList();
      case SetValue s -> s.sorted();
      default -> throw Args.mustBe(i, "{array, set}", a[i]);
    };
  }

  /** An edge list is an array or a set; anything else (null included) has no edges. */
  private static List<Value> neighbours(Value edges) {
    return switch (edges) {
      case ArrayValue arr -> arr.asList();
      case SetValue s -> s.sorted();
      default -> List.of();
    };
  }

  /** Extends {@code path} through {@code node}, recording it where it ends or would cycle. */
  private static void paths(BuiltinContext ctx, ObjectValue graph, Value node, List<Value> path, Set<Value> seen,
      Set<Value> out) {
    ctx.charge(1 + path.size());
    Value edges = graph.get(node);
    if (edges == null) {
      out.add(ArrayValue.of(path));
      return;
    }
    List<Value> longer = new ArrayList<>(path);
    longer.add(node);
    List<Value> next = neighbours(edges);
    if (next.isEmpty()) {
      out.add(ArrayValue.of(longer));
      return;
    }
    Set<Value> seenHere = new HashSet<>(seen);
    seenHere.add(node);
    for (Value n : next) {
      if (seenHere.contains(n)) {
        out.add(ArrayValue.of(longer));
      } else {
        paths(ctx, graph, n, longer, seenHere, out);
      }
    }
  }
}
