package dev.tollgate.authz.input;

import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.Arrays;
import java.util.HashMap;
import java.util.function.BiConsumer;

/**
 * A small object with string keys in one array (keys and values interleaved), built once and then
 * read: a fraction of a LinkedHashMap per object. Objects with many keys (hostile bodies) get a hash
 * index so that building and lookups stay O(1). A later {@link #put} of an existing key replaces it.
 */
final class CompactObject implements ObjectValue.Source {
    private static final int INDEX_THRESHOLD = 16;
    private Object[] kv;
    private int size;
    private HashMap<String, Integer> index;

    CompactObject(int expected) {
        kv = new Object[Math.max(1, expected) * 2];
    }

    /** The value at {@code key}, or null. */
    Value get(String key) {
        int i = find(key);
        return i < 0 ? null : (Value) kv[2 * i + 1];
    }

    void put(String key, Value value) {
        int i = find(key);
        if (i >= 0) {
            kv[2 * i + 1] = value;
            return;
        }
        if (2 * size == kv.length) {
            kv = Arrays.copyOf(kv, kv.length * 2);
        }
        kv[2 * size] = StringValue.of(key);
        kv[2 * size + 1] = value;
        if (index != null) {
            index.put(key, size);
        } else if (size + 1 > INDEX_THRESHOLD) {
            index = HashMap.newHashMap(2 * INDEX_THRESHOLD);
            for (int j = 0; j <= size; j++) {
                index.put(((StringValue) kv[2 * j]).value(), j);
            }
        }
        size++;
    }

    /** The finished object (this must not be changed afterwards). */
    ObjectValue value() {
        return size == 0 ? ObjectValue.EMPTY : ObjectValue.lazy(this);
    }

    private int find(String key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (((StringValue) kv[2 * i]).value().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Value get(Value key) {
        return key instanceof StringValue s ? get(s.value()) : null;
    }

    @Override
    public void forEach(BiConsumer<Value, Value> action) {
        for (int i = 0; i < size; i++) {
            action.accept((Value) kv[2 * i], (Value) kv[2 * i + 1]);
        }
    }
}
