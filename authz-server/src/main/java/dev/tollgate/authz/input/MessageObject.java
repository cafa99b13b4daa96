package dev.tollgate.authz.input;

import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.function.BiConsumer;

/**
 * An object of the input document with a fixed set of possible keys (a protobuf message's JSON
 * names): which keys are present is known up front (a bit mask), each value is made the first
 * time it is read and kept. Confined to the check that reads it.
 */
abstract class MessageObject implements ObjectValue.Source {
    private final StringValue[] names;
    private final int present;
    private Value[] made;

    /**
     * @param names   every key the object may have (at most 32), shared by all objects of the kind
     * @param present bit {@code i} set when {@code names[i]} is present
     */
    MessageObject(StringValue[] names, int present) {
        this.names = names;
        this.present = present;
    }

    /** The value of key {@code names[i]}, which is present. */
    abstract Value field(int i);

    static StringValue[] names(String... names) {
        StringValue[] out = new StringValue[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = StringValue.of(names[i]);
        }
        return out;
    }

    @Override
    public final int size() {
        return Integer.bitCount(present);
    }

    @Override
    public final Value get(Value key) {
        if (!(key instanceof StringValue s)) {
            return null;
        }
        String k = s.value();
        for (int bits = present; bits != 0; bits &= bits - 1) {
            int i = Integer.numberOfTrailingZeros(bits);
            StringValue n = names[i];
            if (n == s || n.value().equals(k)) {
                return value(i);
            }
        }
        return null;
    }

    @Override
    public final void forEach(BiConsumer<Value, Value> action) {
        for (int bits = present; bits != 0; bits &= bits - 1) {
            int i = Integer.numberOfTrailingZeros(bits);
            action.accept(names[i], value(i));
        }
    }

    private Value value(int i) {
        Value[] m = made;
        if (m == null) {
            m = new Value[names.length];
            made = m;
        }
        Value v = m[i];
        if (v == null) {
            v = field(i);
            m[i] = v;
        }
        return v;
    }
}
