package dev.tollgate.rego.value;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The entries of a small object (at most {@link #MAX} keys) in two arrays: most objects a policy
 * builds per request ({@code {"id": ..., "name": ...}}, a result with a header or two) are this
 * size, and a linear scan of a few keys costs less than hashing into a table it has to allocate.
 */
final class SmallEntries extends AbstractMap<Value, Value> {
  static final int MAX = 8;

  private final Value[] keys;
  private final Value[] values;
  private final int size;

  /** Takes the arrays; {@code size} entries, keys distinct and non-null. */
  SmallEntries(Value[] keys, Value[] values, int size) {
    this.keys = keys;
    this.values = values;
    this.size = size;
  }

  /** Keys and values from {@code m}, which has at most {@link #MAX} entries. */
  static SmallEntries copyOf(Map<? extends Value, ? extends Value> m) {
    int n = m.size();
    Value[] ks = new Value[n];
    Value[] vs = new Value[n];
    int[] i = {0};
    m.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new NullPointerException("object key or value");
      }
      ks[i[0]] = k;
      vs[i[0]++] = v;
    });
    return new SmallEntries(ks, vs, n);
  }

  /** A new array of the keys in value order. */
  Value[] sortedKeys() {
    Value[] out = java.util.Arrays.copyOf(keys, size);
    for (int i = 1; i < size; i++) {
      Value v = out[i];
      int j = i - 1;
      for (; j >= 0 && out[j].compareTo(v) > 0; j--) {
        out[j + 1] = out[j];
      }
      out[j + 1] = v;
    }
    return out;
  }

  @Override
  public Value get(Object key) {
    for (int i = 0; i < size; i++) {
      Value k = keys[i];
      if (k == key || k.equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public void forEach(BiConsumer<? super Value, ? super Value> action) {
    for (int i = 0; i < size; i++) {
      action.accept(keys[i], values[i]);
    }
  }

  @Override
  public Set<Entry<Value, Value>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<Value, Value>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < size;
          }

          @Override
          public Entry<Value, Value> next() {
            if (i >= size) {
              throw new NoSuchElementException();
            }
            Entry<Value, Value> e = Map.entry(keys[i], values[i]);
            i++;
            return e;
          }
        };
      }
    };
  }
}
