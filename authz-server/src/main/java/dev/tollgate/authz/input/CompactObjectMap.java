package dev.tollgate.authz.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The children of the input document's JSON objects: keys and values in one insertion-ordered
 * array, which costs a fraction of a LinkedHashMap per check. Objects with many keys (hostile
 * header counts) get a hash index so lookups and inserts stay O(1).
 */
final class CompactObjectMap extends AbstractMap<String, JsonNode> {
    private static final int INDEX_THRESHOLD = 32;
    private Object[] kv;
    private int size;
    private HashMap<String, Integer> index;
    private boolean frozen;

    private CompactObjectMap(int capacity) {
        kv = new Object[Math.max(1, capacity) * 2];
    }

    /** A Jackson object node backed by a compact map sized for {@code expected} properties. */
    static ObjectNode object(int expected) {
        return new ObjectNode(JsonNodeFactory.instance, new CompactObjectMap(expected));
    }

    /** A read-only object, filled by {@code fill} and then frozen: safe to share between checks. */
    static ObjectNode frozen(int expected, java.util.function.Consumer<ObjectNode> fill) {
        CompactObjectMap map = new CompactObjectMap(expected);
        ObjectNode node = new ObjectNode(JsonNodeFactory.instance, map);
        fill.accept(node);
        map.frozen = true;
        return node;
    }

    private void checkMutable() {
        if (frozen) {
            throw new UnsupportedOperationException("this part of the input document is read-only");
        }
    }

    private int find(Object key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (kv[2 * i].equals(key)) {
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
    public boolean containsKey(Object key) {
        return find(key) >= 0;
    }

    @Override
    public JsonNode get(Object key) {
        int i = find(key);
        return i < 0 ? null : (JsonNode) kv[2 * i + 1];
    }

    @Override
    public JsonNode put(String key, JsonNode value) {
        checkMutable();
        int i = find(key);
        if (i >= 0) {
            JsonNode old = (JsonNode) kv[2 * i + 1];
            kv[2 * i + 1] = value;
            return old;
        }
        if (2 * size == kv.length) {
            kv = Arrays.copyOf(kv, kv.length * 2);
        }
        kv[2 * size] = key;
        kv[2 * size + 1] = value;
        if (index != null) {
            index.put(key, size);
        } else if (size + 1 > INDEX_THRESHOLD) {
            index = new HashMap<>();
            for (int j = 0; j <= size; j++) {
                index.put((String) kv[2 * j], j);
            }
        }
        size++;
        return null;
    }

    @Override
    public JsonNode remove(Object key) {
        checkMutable();
        int i = find(key);
        if (i < 0) {
            return null;
        }
        JsonNode old = (JsonNode) kv[2 * i + 1];
        System.arraycopy(kv, 2 * i + 2, kv, 2 * i, 2 * (size - i - 1));
        size--;
        kv[2 * size] = null;
        kv[2 * size + 1] = null;
        if (index != null) {
            index.clear();
            for (int j = 0; j < size; j++) {
                index.put((String) kv[2 * j], j);
            }
        }
        return old;
    }

    @Override
    public void clear() {
        checkMutable();
        Arrays.fill(kv, null);
        size = 0;
        index = null;
    }

    @Override
    public Set<Map.Entry<String, JsonNode>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Map.Entry<String, JsonNode>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, JsonNode> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        last = next++;
                        return new Entry(last);
                    }

                    @Override
                    public void remove() {
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        CompactObjectMap.this.remove(kv[2 * last]);
                        next = last;
                        last = -1;
                    }
                };
            }
        };
    }

    private final class Entry implements Map.Entry<String, JsonNode> {
        private final int i;

        Entry(int i) {
            this.i = i;
        }

        @Override
        public String getKey() {
            return (String) kv[2 * i];
        }

        @Override
        public JsonNode getValue() {
            return (JsonNode) kv[2 * i + 1];
        }

        @Override
        public JsonNode setValue(JsonNode value) {
            checkMutable();
            JsonNode old = getValue();
            kv[2 * i + 1] = value;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && getKey().equals(e.getKey()) && getValue().equals(e.getValue());
        }

        @Override
        public int hashCode() {
            return getKey().hashCode() ^ getValue().hashCode();
        }
    }
}
