package dev.tollgate.rego.value;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;

/** An immutable Rego array. */
public final class ArrayValue implements Value {
  public static final ArrayValue EMPTY = new ArrayValue(new Value[0]);

  private final Value[] elements;
  private int hash;

  private ArrayValue(Value[] elements) {
    this.elements = elements;
  }

  public static ArrayValue of(Value... elements) {
    return elements.length == 0 ? EMPTY : new ArrayValue(checked(elements.clone()));
  }

  public static ArrayValue of(Collection<? extends Value> elements) {
    return elements.isEmpty() ? EMPTY : new ArrayValue(checked(elements.toArray(new Value[0])));
  }

  /** Takes ownership of {@code elements}: the caller must not modify the array afterwards. */
  public static ArrayValue wrap(Value[] elements) {
    return elements.length == 0 ? EMPTY : new ArrayValue(checked(elements));
  }

  private static Value[] checked(Value[] elements) {
    for (Value v : elements) {
      if (v == null) {
        throw new NullPointerException("array element");
      }
    }
    return elements;
  }

  public int size() {
    return elements.length;
  }

  public boolean isEmpty() {
    return elements.length == 0;
  }

  public Value get(int index) {
    return elements[index];
  }

  /** The element at {@code index}, or null when out of range. */
  public Value getOrNull(long index) {
    return index >= 0 && index < elements.length ? elements[(int) index] : null;
  }

  /** An unmodifiable view of the elements. */
  public List<Value> asList() {
    return new View(elements);
  }

  /** A fresh copy of the elements. */
  public Value[] toArray() {
    return elements.clone();
  }

  @Override
  public String typeName() {
    return "array";
  }

  @Override
  public int typeRank() {
    return 6;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof ArrayValue a) || a.elements.length != elements.length || a.hashCode() != hashCode()) {
      return false;
    }
    return Arrays.equals(elements, a.elements);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(elements) * 31 + 6;
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    return toJson();
  }

  private static final class View extends AbstractList<Value> implements RandomAccess {
    private final Value[] elements;

    View(Value[] elements) {
      this.elements = elements;
    }

    @Override
    public Value get(int index) {
      return elements[index];
    }

    @Override
    public int size() {
      return elements.length;
    }
  }
}
