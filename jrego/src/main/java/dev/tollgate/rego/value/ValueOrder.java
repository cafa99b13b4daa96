package dev.tollgate.rego.value;

/** OPA's total order over values (ast.Compare): by type rank, then by content. */
final class ValueOrder {
  private ValueOrder() {}

  static int compare(Value a, Value b) {
    if (a == b) {
      return 0;
    }
    int rank = Integer.compare(a.typeRank(), b.typeRank());
    if (rank != 0) {
      return rank;
    }
    return switch (a) {
      case NullValue n -> 0;
      case BooleanValue x -> Boolean.compare(x.value(), ((BooleanValue) b).value());
      case NumberValue x -> x.compareNumber((NumberValue) b);
      case StringValue x -> x.value().compareTo(((StringValue) b).value());
      case ArrayValue x -> compareArrays(x, (ArrayValue) b);
      case ObjectValue x -> compareObjects(x, (ObjectValue) b);
      case SetValue x -> compareSequences(x.sortedArray(), ((SetValue) b).sortedArray());
    };
  }

  private static int compareArrays(ArrayValue a, ArrayValue b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareSequences(Value[] a, Value[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int c = compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  private static int compareObjects(ObjectValue a, ObjectValue b) {
    Value[] ka = a.sortedKeyArray();
    Value[] kb = b.sortedKeyArray();
    int n = Math.min(ka.length, kb.length);
    for (int i = 0; i < n; i++) {
      int c = compare(ka[i], kb[i]);
      if (c != 0) {
        return c;
      }
      c = compare(a.get(ka[i]), b.get(kb[i]));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(ka.length, kb.length);
  }
}
