package dev.tollgate.authz.engine.rego;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NullValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Jackson trees to jrego values and back, on the Check path: one switch per node and one map per object,
 * sized up front (the input document's objects are small and many).
 */
final class JsonValues {
    private static final int EXACT_DIGITS = 4096;

    private JsonValues() {
    }

    static Value toValue(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> StringValue.of(node.textValue());
            case OBJECT -> object(node);
            case ARRAY -> array(node);
            case BOOLEAN -> BooleanValue.of(node.booleanValue());
            case NULL, MISSING -> NullValue.INSTANCE;
            case NUMBER -> node.isIntegralNumber()
                    ? (node.canConvertToLong() ? NumberValue.of(node.longValue()) : NumberValue.of(node.bigIntegerValue()))
                    : NumberValue.of(node.decimalValue());
            case BINARY, POJO -> throw new IllegalArgumentException("unsupported JSON node " + node.getNodeType());
        };
    }

    /**
     * A jrego value as a Jackson tree: sets become sorted arrays, integers the smallest integral node,
     * decimals lose trailing zeros (1.25 * 2 is 2.5, as OPA prints it).
     */
    static JsonNode toJson(Value v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v) {
            case NullValue n -> f.nullNode();
            case BooleanValue b -> f.booleanNode(b.value());
            case StringValue s -> f.textNode(s.value());
            case NumberValue n -> number(n);
            case ArrayValue a -> {
                ArrayNode out = f.arrayNode(a.size());
                for (int i = 0; i < a.size(); i++) {
                    out.add(toJson(a.get(i)));
                }
                yield out;
            }
            case SetValue s -> {
                ArrayNode out = f.arrayNode(s.size());
                for (Value item : s.sorted()) {
                    out.add(toJson(item));
                }
                yield out;
            }
            case ObjectValue o -> {
                ObjectNode out = f.objectNode();
                for (Value k : o.sortedKeys()) {
                    out.set(k instanceof StringValue s ? s.value() : Json.write(k), toJson(o.get(k)));
                }
                yield out;
            }
        };
    }

    private static JsonNode number(NumberValue n) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (n.isLong()) {
            long l = n.longValue();
            return l == (int) l ? f.numberNode((int) l) : f.numberNode(l);
        }
        if (n.isInteger()) {
            return f.numberNode(n.toBigInteger());
        }
        BigDecimal d = n.toBigDecimal().stripTrailingZeros();
        // 1e999999999 stays in exponent form: its plain digits would fill the heap.
        return f.numberNode(d.scale() < 0 && d.scale() > -EXACT_DIGITS ? d.setScale(0) : d);
    }

    private static Value object(JsonNode node) {
        int size = node.size();
        if (size == 0) {
            return ObjectValue.EMPTY;
        }
        Map<Value, Value> map = HashMap.newHashMap(size);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(StringValue.of(e.getKey()), toValue(e.getValue()));
        }
        return ObjectValue.of(map);
    }

    private static Value array(JsonNode node) {
        int size = node.size();
        if (size == 0) {
            return ArrayValue.EMPTY;
        }
        Value[] items = new Value[size];
        for (int i = 0; i < size; i++) {
            items[i] = toValue(node.get(i));
        }
        return ArrayValue.wrap(items);
    }
}
