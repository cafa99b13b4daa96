package dev.tollgate.authz.input;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Query parameters and form fields: an object of string arrays, in first-seen key order. Keys are
 * usually distinct, so each starts as a one-element array; a repeated key moves everything to lists.
 */
final class ValuesByKey {
    private final CompactObject single = new CompactObject(4);
    private LinkedHashMap<String, List<Value>> many;

    void add(String key, String value) {
        StringValue v = StringValue.of(value);
        if (many == null) {
            if (single.get(key) == null) {
                single.put(key, ArrayValue.wrap(new Value[] {v}));
                return;
            }
            many = new LinkedHashMap<>();
            single.forEach((k, a) -> many.put(((StringValue) k).value(), new ArrayList<>(((ArrayValue) a).asList())));
        }
        many.computeIfAbsent(key, k -> new ArrayList<>(2)).add(v);
    }

    ObjectValue value() {
        if (many == null) {
            return single.value();
        }
        CompactObject out = new CompactObject(many.size());
        many.forEach((k, values) -> out.put(k, ArrayValue.of(values)));
        return out.value();
    }
}
