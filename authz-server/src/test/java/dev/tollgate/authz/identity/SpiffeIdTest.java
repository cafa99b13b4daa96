package dev.tollgate.authz.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpiffeIdTest {

    static Stream<Arguments> valid() {
        // id, trust domain, path, namespace, service account
        return Stream.of(
                Arguments.of("spiffe://cluster.local/ns/bank-a/sa/teller", "cluster.local", "/ns/bank-a/sa/teller", "bank-a", "teller"),
                Arguments.of("spiffe://example.org", "example.org", "", null, null),
                Arguments.of("spiffe://example.org/workload", "example.org", "/workload", null, null),
                Arguments.of("spiffe://a-b_c.9/Path.With-Mixed_Case/x", "a-b_c.9", "/Path.With-Mixed_Case/x", null, null),
                Arguments.of("spiffe://td/ns/x/sa/y/extra", "td", "/ns/x/sa/y/extra", null, null),
                Arguments.of("spiffe://td/ns/x/sa", "td", "/ns/x/sa", null, null),
                Arguments.of("spiffe://td/..a/b..", "td", "/..a/b..", null, null),
                Arguments.of("spiffe://td/" + "a".repeat(2048 - "spiffe://td/".length()), "td",
                        "/" + "a".repeat(2048 - "spiffe://td/".length()), null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidIds(String id, String trustDomain, String path, String namespace, String serviceAccount) {
        SpiffeId parsed = SpiffeId.parse(id);
        assertEquals(id, parsed.spiffeId());
        assertEquals(trustDomain, parsed.trustDomain());
        assertEquals(path, parsed.path());
        assertEquals(Optional.ofNullable(namespace), parsed.namespace());
        assertEquals(Optional.ofNullable(serviceAccount), parsed.serviceAccount());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("", "SPIFFE ID is empty"),
                Arguments.of("SPIFFE://td/a", "scheme must be lowercase 'spiffe'"),
                Arguments.of("Spiffe://td/a", "scheme must be lowercase 'spiffe'"),
                Arguments.of("https://td/a", "scheme is missing or not 'spiffe://'"),
                Arguments.of("spiffe:/td/a", "scheme is missing or not 'spiffe://'"),
                Arguments.of("td/ns/a", "scheme is missing or not 'spiffe://'"),
                Arguments.of("spiffe://", "trust domain is missing"),
                Arguments.of("spiffe:///path", "trust domain is missing"),
                Arguments.of("spiffe://Cluster.Local/a", "trust domain contains a character other than lowercase letters, digits, '.', '-' or '_' at index 0"),
                Arguments.of("spiffe://td:8080/a", "trust domain must not contain a port"),
                Arguments.of("spiffe://user@td/a", "trust domain must not contain userinfo"),
                Arguments.of("spiffe://t%41d/a", "SPIFFE ID must not contain percent-encoding"),
                Arguments.of("spiffe://td?x=1", "SPIFFE ID must not contain a query or fragment"),
                Arguments.of("spiffe://td/a?x=1", "SPIFFE ID must not contain a query or fragment"),
                Arguments.of("spiffe://td/a#frag", "SPIFFE ID must not contain a query or fragment"),
                Arguments.of("spiffe://td/a%2Fb", "SPIFFE ID must not contain percent-encoding"),
                Arguments.of("spiffe://td/", "path must not end with '/'"),
                Arguments.of("spiffe://td/a/", "path must not end with '/'"),
                Arguments.of("spiffe://td//a", "path contains an empty segment"),
                Arguments.of("spiffe://td/./a", "path contains a '.' segment"),
                Arguments.of("spiffe://td/a/..", "path contains a '..' segment"),
                Arguments.of("spiffe://td/a b", "path segment contains a character other than letters, digits, '.', '-' or '_'"),
                Arguments.of("spiffe://td/ä", "path segment contains a character other than letters, digits, '.', '-' or '_'"),
                Arguments.of("spiffe://td/a:b", "path segment contains a character other than letters, digits, '.', '-' or '_'"),
                Arguments.of("spiffe://t d/a", "trust domain contains a character other than lowercase letters, digits, '.', '-' or '_' at index 1"),
                Arguments.of("spiffe://td/" + "a".repeat(2049 - "spiffe://td/".length()), "SPIFFE ID is longer than 2048 bytes"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("invalid")
    void rejectsInvalidIds(String id, String expectedError) {
        InvalidSpiffeIdException e = assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(id));
        assertEquals(expectedError, e.getMessage());
    }
}
