package dev.tollgate.authz.decision;

import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/**
 * A caller's {@code identity} in a response's {@code dynamic_metadata}: the metadata {@link Value} and
 * its map entry already encoded, made once per caller and written as is into every response.
 */
public final class IdentityMetadata {
    /** Anonymous callers: {@code identity} is null. */
    public static final IdentityMetadata ANONYMOUS =
            new IdentityMetadata(Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build());

    private final Value value;
    private final byte[] entry;

    /** @param value {@code input.identity} as a metadata value ({@link CheckResponses#value}) */
    public IdentityMetadata(Value value) {
        this.value = value;
        this.entry = Struct.newBuilder().putFields(CheckResponses.IDENTITY, value).build().toByteArray();
    }

    public Value value() {
        return value;
    }

    /** The encoded {@code Struct.fields} entry {@code "identity": value} (field tag included). Do not modify. */
    byte[] entry() {
        return entry;
    }
}
