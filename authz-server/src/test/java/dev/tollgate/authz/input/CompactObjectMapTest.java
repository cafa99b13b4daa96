package dev.tollgate.authz.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class CompactObjectMapTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void behavesLikeAnOrdinaryObjectNodeAcrossTheIndexThreshold() throws Exception {
        ObjectNode compact = CompactObjectMap.object(2);
        ObjectNode plain = JSON.createObjectNode();
        for (int i = 0; i < 100; i++) {
            compact.put("k" + i, i);
            plain.put("k" + i, i);
        }
        compact.put("k7", "replaced");
        plain.put("k7", "replaced");
        compact.remove("k3");
        plain.remove("k3");
        assertEquals(plain, compact);
        assertEquals(JSON.writeValueAsString(plain), JSON.writeValueAsString(compact));
        assertEquals("replaced", compact.get("k7").textValue());
        assertNull(compact.get("k3"));
        assertEquals(99, compact.get("k99").intValue());
        assertEquals(plain, compact.deepCopy());
    }

    @Test
    void frozenObjectsRejectChanges() {
        ObjectNode frozen = CompactObjectMap.frozen(1, o -> o.put("a", "b"));
        assertThrows(UnsupportedOperationException.class, () -> frozen.put("c", "d"));
        assertThrows(UnsupportedOperationException.class, () -> frozen.remove("a"));
        assertThrows(UnsupportedOperationException.class, frozen::removeAll);
        assertEquals("b", frozen.get("a").textValue());
        assertFalse(frozen.deepCopy().put("c", "d").isEmpty(), "copies are ordinary, writable nodes");
    }
}
