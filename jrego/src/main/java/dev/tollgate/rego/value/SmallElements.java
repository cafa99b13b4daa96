package dev.tollgate.rego.value;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The elements of a small set (at most {@link SmallEntries#MAX}) in an array, in value order: the
 * sets a policy builds per request (the routes that match, the grants that apply) mostly hold one
 * or two.
 */
final class SmallElements extends AbstractSet<Value> {
  private final Value[] elements;
  private final int size;

  /** Takes the array: exactly {@code size} distinct non-null elements, in value order. */
  SmallElements(Value[] elements, int size) {
    this.elements = elements;
    this.size = size;
  }

  /** The elements in value order: the array itself, which nobody may modify. */
  Value[] sortedArray() {
    return elements;
  }

  @Override
  public boolean contains(Object o) {
    for (int i = 0; i < size; i++) {
      Value e = elements[i];
      if (e == o || e.equals(o)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Iterator<Value> iterator() {
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < size;
      }

      @Override
      public Value next() {
        if (i >= size) {
          throw new NoSuchElementException();
        }
        return elements[i++];
      }
    };
  }

  @Override
  public Object[] toArray() {
    return java.util.Arrays.copyOf(elements, size, Object[].class);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T[] toArray(T[] a) {
    return (T[]) java.util.Arrays.copyOf(elements, size, a.getClass());
  }
}
