package dev.tollgate.rego.value;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A read-only map over an {@link ObjectValue.Source}: single lookups go to the source, anything
 * that needs every entry collects them once into an ordinary map. Not synchronised: a lazy object
 * belongs to the evaluation that reads it, like the input document of one query.
 */
final class LazyEntries extends AbstractMap<Value, Value> {
  private final ObjectValue.Source source;
  private Map<Value, Value> all;

  LazyEntries(ObjectValue.Source source) {
    this.source = source;
  }

  @Override
  public Value get(Object key) {
    if (!(key instanceof Value k)) {
      return null;
    }
    Map<Value, Value> m = all;
    return m != null ? m.get(k) : source.get(k);
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    Map<Value, Value> m = all;
    return m != null ? m.size() : source.size();
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public Set<Map.Entry<Value, Value>> entrySet() {
    return materialised().entrySet();
  }

  private Map<Value, Value> materialised() {
    Map<Value, Value> m = all;
    if (m == null) {
      LinkedHashMap<Value, Value> copy = new LinkedHashMap<>(Math.max(4, source.size() * 4 / 3 + 1));
      source.forEach(
          (k, v) -> {
            if (k == null || v == null) {
              throw new NullPointerException("object key or value");
            }
            copy.put(k, v);
          });
      m = Collections.unmodifiableMap(copy);
      all = m;
    }
    return m;
  }
}
