package dev.tollgate.rego.builtins;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An immutable table of built-ins by Rego name. */
public final class BuiltinRegistry {
  private final Map<String, Builtin> byName;

  private BuiltinRegistry(Map<String, Builtin> byName) {
    this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  /** Every built-in this engine implements. */
  public static BuiltinRegistry standard() {
    return StandardLibrary.REGISTRY;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The built-in with this name, or null. */
  public Builtin get(String name) {
    return byName.get(name);
  }

  public Collection<Builtin> all() {
    return byName.values();
  }

  /** A copy with {@code extra} added (replacing same-named ones): for host-provided functions. */
  public BuiltinRegistry with(Builtin... extra) {
    Builder b = new Builder();
    b.byName.putAll(byName);
    for (Builtin x : extra) {
      b.byName.put(x.name(), x);
    }
    return b.build();
  }

  /** Collects declarations; registering a name twice is a programming error. */
  public static final class Builder {
    private final Map<String, Builtin> byName = new LinkedHashMap<>();

    private Builder() {}

    public Builder add(Builtin b) {
      if (byName.putIfAbsent(b.name(), b) != null) {
        throw new IllegalStateException("built-in registered twice: " + b.name());
      }
      return this;
    }

    /** A deterministic function of {@code arity} operands. */
    public Builder function(String name, int arity, BuiltinFunction impl) {
      return add(Builtin.function(name, arity, impl));
    }

    public BuiltinRegistry build() {
      return new BuiltinRegistry(byName);
    }
  }
}
