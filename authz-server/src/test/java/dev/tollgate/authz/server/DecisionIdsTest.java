package dev.tollgate.authz.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionIdsTest {
    @Test
    void randomVersion4Uuids() {
        String a = DecisionIds.next();
        UUID u = UUID.fromString(a);
        assertEquals(4, u.version());
        assertEquals(2, u.variant());
        assertEquals(a, u.toString());
        assertNotEquals(a, DecisionIds.next());
    }
}
