package dev.tollgate.authz.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XfccTest {
    @Test
    void parsesElementsPairsAndQuotedValues() {
        String header = "By=spiffe://cluster.local/ns/a/sa/gw;Hash=abc;URI=spiffe://cluster.local/ns/a/sa/x,"
                + "By=spiffe://cluster.local/ns/b/sa/y;Hash=def;Subject=\"CN=teller,O=Bank; \\\"A\\\"\";"
                + "URI=spiffe://cluster.local/ns/bank-a/sa/teller";
        List<Map<String, String>> elements = Xfcc.parse(header);
        assertEquals(2, elements.size());
        assertEquals("spiffe://cluster.local/ns/a/sa/x", elements.get(0).get("uri"));
        assertEquals("CN=teller,O=Bank; \"A\"", elements.get(1).get("subject"));
        assertEquals("spiffe://cluster.local/ns/bank-a/sa/teller", elements.get(1).get("uri"));
        assertEquals("def", elements.get(1).get("hash"));
    }

    @Test
    void rejectsMalformedHeaders() {
        assertEquals("unterminated quoted value",
                assertThrows(IllegalArgumentException.class, () -> Xfcc.parse("URI=\"spiffe://x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Xfcc.parse("URI"));
        assertThrows(IllegalArgumentException.class, () -> Xfcc.parse("=x"));
        assertThrows(IllegalArgumentException.class, () -> Xfcc.parse("URI=a\"b\""));
    }
}
