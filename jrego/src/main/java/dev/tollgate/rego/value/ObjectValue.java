package dev.tollgate.rego.value;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An immutable Rego object. Keys may be any value; iteration order is key order, as in OPA. */
public final class ObjectValue implements Value {
  public static final ObjectValue EMPTY = new ObjectValue(Map.of());

  private final Map<Value, Value> entries;
  private volatile Value[] sortedKeys;
  private int hash;

  private ObjectValue(Map<Value, Value> entries) {
    this.entries = entries;
  }

  public static ObjectValue of(Map<? extends Value, ? extends Value> entries) {
    if (entries.isEmpty()) {
      return EMPTY;
    }
    if (entries.size() <= SmallEntries.MAX) {
      return new ObjectValue(SmallEntries.copyOf(entries));
    }
    LinkedHashMap<Value, Value> copy = new LinkedHashMap<>(Math.max(4, entries.size() * 4 / 3 + 1));
    entries.forEach((k, v) -> copy.put(requireNonNull(k), requireNonNull(v)));
    return new ObjectValue(Collections.unmodifiableMap(copy));
  }

  /**
   * An object of the first {@code n} keys and values (non-null), taking the arrays: the caller
   * must not modify them afterwards. A key given twice keeps its last value.
   */
  public static ObjectValue ofPairs(Value[] keys, Value[] values, int n) {
    if (n == 0) {
      return EMPTY;
    }
    if (n > SmallEntries.MAX) {
      LinkedHashMap<Value, Value> m = new LinkedHashMap<>(n * 4 / 3 + 1);
      for (int i = 0; i < n; i++) {
        m.put(requireNonNull(keys[i]), requireNonNull(values[i]));
      }
      return new ObjectValue(Collections.unmodifiableMap(m));
    }
    int size = 0;
    next:
    for (int i = 0; i < n; i++) {
      Value k = requireNonNull(keys[i]);
      Value v = requireNonNull(values[i]);
      for (int j = 0; j < size; j++) {
        if (keys[j].equals(k)) {
          values[j] = v;
          continue next;
        }
      }
      keys[size] = k;
      values[size] = v;
      size++;
    }
    return new ObjectValue(new SmallEntries(keys, values, size));
  }

  /**
   * Takes ownership of {@code entries} (keys and values non-null): the caller must not modify the
   * map afterwards. Spares the copy {@link #of} makes.
   */
  public static ObjectValue wrap(LinkedHashMap<Value, Value> entries) {
    if (entries.size() <= SmallEntries.MAX) {
      return entries.isEmpty() ? EMPTY : new ObjectValue(SmallEntries.copyOf(entries));
    }
    return new ObjectValue(Collections.unmodifiableMap(entries));
  }

  /**
   * The entries of an object computed on demand, for objects that present another structure (a
   * protobuf message, say) without copying it: lookups ask {@link #get} for one key, and only what
   * needs every entry (iteration, ordering, hashing, JSON writing) collects them all, once. The
   * object behaves exactly as one built from the same entries.
   */
  public interface Source {
    /** The number of entries. */
    int size();

    /** The value at {@code key}, or null when absent; the same key must always give an equal value. */
    Value get(Value key);

    /** Calls {@code action} once for every entry, in any order. */
    void forEach(java.util.function.BiConsumer<Value, Value> action);
  }

  /** An object whose entries come from {@code source} when they are first needed. */
  public static ObjectValue lazy(Source source) {
    return new ObjectValue(new LazyEntries(java.util.Objects.requireNonNull(source)));
  }

  /** Starts an object with string keys in a fluent way; handy for tests and adapters. */
  public static Builder builder() {
    return new Builder();
  }

  private static Value requireNonNull(Value v) {
    if (v == null) {
      throw new NullPointerException("object key or value");
    }
    return v;
  }

  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The value at {@code key}, or null when absent. */
  public Value get(Value key) {
    return entries.get(key);
  }

  /** The value at string key {@code key}, or null when absent. */
  public Value get(String key) {
    return entries.get(new StringValue(key));
  }

  public boolean containsKey(Value key) {
    return entries.containsKey(key);
  }

  /** An unmodifiable view for lookups and unordered iteration. */
  public Map<Value, Value> asMap() {
    return entries;
  }

  /** The keys in value order. */
  public List<Value> sortedKeys() {
    return Collections.unmodifiableList(Arrays.asList(sortedKeyArray()));
  }

  Value[] sortedKeyArray() {
    Value[] s = sortedKeys;
    if (s == null) {
      s = entries instanceof SmallEntries small ? small.sortedKeys() : entries.keySet().toArray(new Value[0]);
      if (!(entries instanceof SmallEntries)) {
        Arrays.sort(s);
      }
      sortedKeys = s;
    }
    return s;
  }

  /** A copy with {@code key} set to {@code value}. */
  public ObjectValue with(Value key, Value value) {
    LinkedHashMap<Value, Value> copy = new LinkedHashMap<>(entries);
    copy.put(requireNonNull(key), requireNonNull(value));
    return new ObjectValue(Collections.unmodifiableMap(copy));
  }

  @Override
  public String typeName() {
    return "object";
  }

  @Override
  public int typeRank() {
    return 7;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof ObjectValue obj && obj.hashCode() == hashCode() && obj.entries.equals(entries));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = entries.hashCode() * 31 + 7;
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return toJson();
  }

  /** Collects entries in insertion order; later puts of an equal key replace earlier ones. */
  public static final class Builder {
    private final LinkedHashMap<Value, Value> entries = new LinkedHashMap<>();

    private Builder() {}

    public Builder put(Value key, Value value) {
      entries.put(requireNonNull(key), requireNonNull(value));
      return this;
    }

    public Builder put(String key, Value value) {
      return put(StringValue.of(key), value);
    }

    public Builder put(String key, String value) {
      return put(StringValue.of(key), StringValue.of(value));
    }

    public ObjectValue build() {
      return of(entries);
    }
  }
}
