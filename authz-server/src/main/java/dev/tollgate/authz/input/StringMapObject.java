package dev.tollgate.authz.input;

import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A protobuf {@code map<string, string>} (request headers, labels, context extensions) as an object
 * that looks keys up in the message's own map: a policy reading two headers maps two, not twenty.
 */
final class StringMapObject implements ObjectValue.Source {
    private final Map<String, String> map;

    private StringMapObject(Map<String, String> map) {
        this.map = map;
    }

    static ObjectValue of(Map<String, String> map) {
        return map.isEmpty() ? ObjectValue.EMPTY : ObjectValue.lazy(new StringMapObject(map));
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public Value get(Value key) {
        if (!(key instanceof StringValue s)) {
            return null;
        }
        String v = map.get(s.value());
        return v == null ? null : StringValue.of(v);
    }

    @Override
    public void forEach(BiConsumer<Value, Value> action) {
        // forEach, not entrySet(): the unmodifiable map protobuf returns wraps every entry it iterates.
        map.forEach((k, v) -> action.accept(StringValue.of(k), StringValue.of(v)));
    }
}
