package dev.tollgate.rego;

import dev.tollgate.rego.Plan.Node;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What one policy revision computes once and every later evaluation reuses: the documents of
 * rules whose value cannot depend on {@code input} ({@link InputIndependence} decides which), and
 * the results of such functions called with scalar arguments. Evaluations read and fill it only
 * while nothing is replaced by {@code with} on data or functions and no listener observes them
 * (see {@code Eval.pristine}); a computation that fails is never remembered.
 *
 * <p>Function results are bounded: at {@link #MAX_CALLS} entries the map starts over, so
 * arguments that never repeat cannot grow it without limit.
 */
final class RevisionMemo {
  static final int MAX_CALLS = 4096;
  /** Longer string arguments are not remembered: they would be costly to keep and to hash. */
  static final int MAX_STRING_ARGUMENT = 1024;

  private final boolean[] independent;
  private final AtomicReferenceArray<Value> docs;
  private final ConcurrentHashMap<CallKey, Value> calls = new ConcurrentHashMap<>();
  /** Results of one-argument functions, by node id. */
  private final AtomicReferenceArray<ConcurrentHashMap<Value, Value>> unary;
  /** Results remembered since the last start afresh (approximate under races; a bound, not a count). */
  private final java.util.concurrent.atomic.AtomicInteger size = new java.util.concurrent.atomic.AtomicInteger();

  RevisionMemo(boolean[] independent) {
    this.independent = independent;
    this.docs = new AtomicReferenceArray<>(independent.length);
    this.unary = new AtomicReferenceArray<>(independent.length);
  }

  boolean independent(Node n) {
    return n.id < independent.length && independent[n.id];
  }

  /** The remembered document of an independent node (the caller's undefined marker included), or null. */
  Value doc(Node n) {
    return docs.get(n.id);
  }

  void putDoc(Node n, Value v) {
    docs.set(n.id, v);
  }

  /** The remembered result of {@code fn(args)} (the caller's undefined marker included), or null. */
  Value call(Node fn, Value[] args) {
    if (args.length == 1) {
      // one argument, the usual case: keyed by the argument itself, no key object per lookup
      ConcurrentHashMap<Value, Value> byArg = unary.get(fn.id);
      return byArg == null ? null : byArg.get(args[0]);
    }
    return calls.get(new CallKey(fn, args));
  }

  void putCall(Node fn, Value[] args, Value result) {
    if (size.incrementAndGet() > MAX_CALLS) {
      calls.clear();
      for (int i = 0; i < unary.length(); i++) {
        unary.set(i, null);
      }
      size.set(1);
    }
    if (args.length == 1) {
      ConcurrentHashMap<Value, Value> byArg = unary.get(fn.id);
      if (byArg == null) {
        unary.compareAndSet(fn.id, null, new ConcurrentHashMap<>());
        byArg = unary.get(fn.id);
      }
      byArg.put(args[0], result);
      return;
    }
    calls.put(new CallKey(fn, args.clone()), result);
  }

  /** Whether a call with these arguments may be remembered: scalars only, strings not too long. */
  static boolean rememberable(Value[] args) {
    for (Value a : args) {
      boolean scalar = a instanceof StringValue s ? s.value().length() <= MAX_STRING_ARGUMENT
          : a instanceof NumberValue || a instanceof BooleanValue || a instanceof NullValue;
      if (!scalar) {
        return false;
      }
    }
    return true;
  }

  private static final class CallKey {
    final Node fn;
    final Value[] args;
    final int hash;

    CallKey(Node fn, Value[] args) {
      this.fn = fn;
      this.args = args;
      this.hash = fn.id * 31 + Arrays.hashCode(args);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CallKey k && k.fn == fn && k.hash == hash && Arrays.equals(k.args, args);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
