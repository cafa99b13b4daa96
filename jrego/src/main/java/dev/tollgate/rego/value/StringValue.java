package dev.tollgate.rego.value;

/** A Rego string. */
public record StringValue(String value) implements Value {
  public static final StringValue EMPTY = new StringValue("");

  public StringValue {
    if (value == null) {
      throw new NullPointerException("string value");
    }
  }

  public static StringValue of(String s) {
    return s.isEmpty() ? EMPTY : new StringValue(s);
  }

  @Override
  public String typeName() {
    return "string";
  }

  @Override
  public int typeRank() {
    return 3;
  }

  // Written out: a record's generated equals and hashCode go through a method handle, which shows
  // up on every map lookup of a string key.
  @Override
  public boolean equals(Object o) {
    return this == o || (o instanceof StringValue s && value.equals(s.value));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return Json.quote(value);
  }
}
