package dev.tollgate.rego.value;

/** Rego's {@code null}. */
public final class NullValue implements Value {
  public static final NullValue INSTANCE = new NullValue();

  private NullValue() {}

  @Override
  public String typeName() {
    return "null";
  }

  @Override
  public int typeRank() {
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o == this;
  }

  @Override
  public int hashCode() {
    return 0x6e756c6c;
  }

  @Override
  public String toString() {
    return "null";
  }
}
