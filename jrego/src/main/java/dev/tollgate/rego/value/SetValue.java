package dev.tollgate.rego.value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** An immutable Rego set. Iteration order is the value order, as in OPA. */
public final class SetValue implements Value {
  public static final SetValue EMPTY = new SetValue(Set.of());

  private final Set<Value> elements;
  private volatile Value[] sorted;
  private int hash;

  private SetValue(Set<Value> elements) {
    this.elements = elements;
  }

  public static SetValue of(Value... elements) {
    return of(Arrays.asList(elements));
  }

  public static SetValue of(Collection<? extends Value> elements) {
    if (elements.isEmpty()) {
      return EMPTY;
    }
    if (elements.size() <= SmallEntries.MAX) {
      Builder b = new Builder();
      for (Value v : elements) {
        b.add(v);
      }
      return b.build();
    }
    HashSet<Value> copy = new HashSet<>(Math.max(4, elements.size() * 4 / 3 + 1));
    for (Value v : elements) {
      if (v == null) {
        throw new NullPointerException("set element");
      }
      copy.add(v);
    }
    return new SetValue(Collections.unmodifiableSet(copy));
  }

  /** Collects distinct elements: a few in an array, more in a hash set. */
  public static final class Builder {
    private Value[] small = new Value[4];
    private int size;
    private HashSet<Value> large;

    public Builder add(Value v) {
      if (v == null) {
        throw new NullPointerException("set element");
      }
      if (large != null) {
        large.add(v);
        return this;
      }
      for (int i = 0; i < size; i++) {
        if (small[i].equals(v)) {
          return this;
        }
      }
      if (size == SmallEntries.MAX) {
        large = new HashSet<>(32);
        for (int i = 0; i < size; i++) {
          large.add(small[i]);
        }
        large.add(v);
        small = null;
        return this;
      }
      if (size == small.length) {
        small = Arrays.copyOf(small, SmallEntries.MAX);
      }
      small[size++] = v;
      return this;
    }

    /** The set; the builder must not be used afterwards. */
    public SetValue build() {
      if (large != null) {
        return new SetValue(Collections.unmodifiableSet(large));
      }
      if (size == 0) {
        return EMPTY;
      }
      // kept in value order, so iterating needs no sorted copy
      Value[] elements = size == small.length ? small : Arrays.copyOf(small, size);
      for (int i = 1; i < size; i++) {
        Value v = elements[i];
        int j = i - 1;
        for (; j >= 0 && elements[j].compareTo(v) > 0; j--) {
          elements[j + 1] = elements[j];
        }
        elements[j + 1] = v;
      }
      return new SetValue(new SmallElements(elements, size));
    }
  }

  public int size() {
    return elements.size();
  }

  public boolean isEmpty() {
    return elements.isEmpty();
  }

  public boolean contains(Value v) {
    return elements.contains(v);
  }

  /** An unmodifiable view for membership tests and unordered iteration. */
  public Set<Value> asSet() {
    return elements;
  }

  /** The elements in value order. */
  public List<Value> sorted() {
    return Collections.unmodifiableList(Arrays.asList(sortedArray()));
  }

  Value[] sortedArray() {
    Value[] s = sorted;
    if (s == null && elements instanceof SmallElements small) {
      s = small.sortedArray();
      sorted = s;
    }
    if (s == null) {
      s = elements.toArray(new Value[0]);
      Arrays.sort(s);
      sorted = s;
    }
    return s;
  }

  public SetValue union(SetValue other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    List<Value> all = new ArrayList<>(elements);
    all.addAll(other.elements);
    return of(all);
  }

  public SetValue intersect(SetValue other) {
    List<Value> out = new ArrayList<>();
    SetValue small = size() <= other.size() ? this : other;
    SetValue large = small == this ? other : this;
    for (Value v : small.elements) {
      if (large.elements.contains(v)) {
        out.add(v);
      }
    }
    return of(out);
  }

  public SetValue minus(SetValue other) {
    List<Value> out = new ArrayList<>();
    for (Value v : elements) {
      if (!other.elements.contains(v)) {
        out.add(v);
      }
    }
    return of(out);
  }

  @Override
  public String typeName() {
    return "set";
  }

  @Override
  public int typeRank() {
    return 8;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof SetValue s && s.hashCode() == hashCode() && s.elements.equals(elements));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = elements.hashCode() * 31 + 8;
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return toJson();
  }
}
