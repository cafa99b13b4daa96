package dev.tollgate.authz.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "/v1/transfers, /v1/transfers, true",
            "/v1/trans*, /v1/tra, false",
            "/v1/trans*, /v1/transfer, true",
            "spiffe://td/ns/*/sa/batch-*, spiffe://td/ns/jobs/sa/batch-7, true",
            "spiffe://td/ns/*/sa/batch-*, spiffe://td/ns/jobs/sa/api, false",
            "spiffe://td/ns/*/sa/batch-*, spiffe://other/ns/jobs/sa/batch-7, false",
            "*/**/?, a/b/c/d, true",
            "/v1/transfers, /v1/transfers/, false",
            "/v1/*, /v1/accounts, true",
            "/v1/*, /v1/, true",
            "/v1/*, /v1/accounts/7, false",
            "/v1/**, /v1/accounts/7, true",
            "/v1/**, /v2/accounts, false",
            "/v1/*/items, /v1/a/items, true",
            "/v1/*/items, /v1/a/b/items, false",
            "/v1/**/items, /v1/a/b/items, true",
            "/v1/**/items, /v1/items, false",
            "/v?/x, /v1/x, true",
            "/v?/x, /v//x, false",
            "*.json, report.json, true",
            "**, /anything/at/all, true",
            "spiffe://bank-a.example/ns/*/sa/batch-*, spiffe://bank-a.example/ns/jobs/sa/batch-7, true",
            "spiffe://bank-a.example/ns/*/sa/batch-*, spiffe://bank-a.example/ns/jobs/sa/web, false",
            "spiffe://bank-a.example/**, spiffe://bank-a.example/ns/a/sa/b, true",
            "spiffe://bank-a.example/**, spiffe://bank-b.example/ns/a/sa/b, false",
            "a*b*c*d, aXbYcZd, true",
            "a*b*c*d, aXbYcZ, false",
    })
    void matches(String pattern, String input, boolean expected) {
        assertEquals(expected, Glob.compile(pattern).matches(input));
    }

    @Test
    void hostileInputIsLinear() {
        // a backtracking matcher takes exponential time on this; the NFA answers at once
        Glob glob = Glob.compile("**a**a**a**a**a**a**a**b");
        assertEquals(false, glob.matches("a".repeat(10_000)));
        assertTrue(glob.matches("a".repeat(50) + "b"));
    }

    @Test
    void rejectsPatternsTooLongForTheStateWord() {
        var e = assertThrows(IllegalArgumentException.class, () -> Glob.compile("/" + "x".repeat(80)));
        assertTrue(e.getMessage().contains("more than 63"));
    }
}
