package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NetBuiltinsTest {

  static Stream<Arguments> cases() {
    return Table.rows(
        """
        net.cidr_contains | ["10.0.0.0/8", "10.1.0.0/24"] | true
        net.cidr_contains | ["172.17.0.0/24", "172.17.0.0/16"] | false
        net.cidr_contains | ["10.0.0.0/8", "192.168.1.0/24"] | false
        net.cidr_contains | ["10.0.0.0/8", "10.1.1.1/32"] | true
        net.cidr_contains | ["10.0.0.0/8", "10.1.2.3"] | true
        net.cidr_contains | ["10.0.0.0/8", "192.168.1.1"] | false
        net.cidr_contains | ["10.0.0.0/8", "::ffff:10.1.2.3"] | true
        net.cidr_contains | ["2001:4860:4860::8888/32", "2001:4860:4860:1234::8888/40"] | true
        net.cidr_contains | ["2001:4860::/96", "2001:4860::/32"] | false
        net.cidr_contains | ["2001:4860::/32", "fd1e:5bfe:8af3:9ddc::/64"] | false
        net.cidr_contains | ["2001:4860::/32", "2001:4860::1"] | true
        net.cidr_contains | ["0.0.0.0/0", "2001:4860::1"] | false
        net.cidr_contains | ["10.0.0.0/8", "010.1.2.3"] | error: not a valid textual representation of an IP address or CIDR: 010.1.2.3
        net.cidr_contains | ["not-a-cidr", "192.168.1.67"] | error: invalid CIDR address: not-a-cidr
        net.cidr_contains | ["192.168.1.0/28", "not-a-cidr"] | error: not a valid textual representation of an IP address or CIDR: not-a-cidr
        net.cidr_contains | ["192.168.1.0", "192.168.1.1"] | error: invalid CIDR address: 192.168.1.0
        net.cidr_contains | ["fe80::1%eth0/64", "fe80::1"] | error: invalid CIDR address: fe80::1%eth0/64
        net.cidr_contains | [1, "192.168.1.1"] | type: operand 1 must be string but got number
        net.cidr_overlap | ["192.168.1.0/28", "192.168.1.67"] | false
        net.cidr_overlap | ["192.168.1.0/24", "192.168.1.67"] | true
        net.cidr_intersects | ["192.168.1.0/25", "192.168.1.64/25"] | true
        net.cidr_intersects | ["192.168.1.0/24", "192.168.2.0/24"] | false
        net.cidr_intersects | ["fd1e:5bfe:8af3:9ddc::/64", "fd1e:5bfe:8af3:9ddc:1111::/72"] | true
        net.cidr_intersects | ["fd1e:5bfe:8af3:9ddc::/64", "2001:4860:4860::8888/32"] | false
        net.cidr_intersects | ["not-a-cidr", "192.168.1.0/24"] | error: invalid CIDR address: not-a-cidr
        net.cidr_intersects | ["192.168.1.0/28", "not-a-cidr"] | error: invalid CIDR address: not-a-cidr
        net.cidr_is_valid | ["192.168.0.0/30"] | true
        net.cidr_is_valid | ["::/0"] | true
        net.cidr_is_valid | ["1.2.3.4/0"] | true
        net.cidr_is_valid | ["192.168.0.500/30"] | false
        net.cidr_is_valid | ["192.168.0.0/33"] | false
        net.cidr_is_valid | ["2001:db8::/129"] | false
        net.cidr_is_valid | ["192.168.0.0"] | false
        net.cidr_is_valid | ["192.168.0.0/+8"] | false
        net.cidr_is_valid | ["1:2:3:4:5:6:7:8::/64"] | false
        net.cidr_is_valid | ["1:2:3:4:5:6:7::/64"] | true
        net.cidr_is_valid | ["::ffff:1.2.3.4/120"] | true
        net.cidr_is_valid | ["1::2::3/64"] | false
        net.cidr_is_valid | ["12345::/64"] | false
        net.cidr_is_valid | [7] | false
        net.cidr_expand | ["192.168.1.1/30"] | ["192.168.1.0", "192.168.1.1", "192.168.1.2", "192.168.1.3"]
        net.cidr_expand | ["172.16.100.255/30"] | ["172.16.100.252", "172.16.100.253", "172.16.100.254", "172.16.100.255"]
        net.cidr_expand | ["192.168.1.1/32"] | ["192.168.1.1"]
        net.cidr_expand | ["255.255.255.255/31"] | ["255.255.255.254", "255.255.255.255"]
        net.cidr_expand | ["2001:db8::ff/127"] | ["2001:db8::fe", "2001:db8::ff"]
        net.cidr_expand | ["::ffff:10.0.0.1/127"] | ["10.0.0.0", "10.0.0.1"]
        net.cidr_expand | ["192.168.1.1/33"] | error: invalid CIDR address: 192.168.1.1/33
        net.cidr_expand | ["10.0.0.0/8"] | error: CIDR 10.0.0.0/8 has 2^24 addresses, more than the 65536 this engine expands
        net.cidr_expand | ["::/0"] | error: has 2^128 addresses
        net.cidr_merge | [["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]] | ["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]
        net.cidr_merge | [["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]] | ["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]
        net.cidr_merge | [["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"]] | ["2601:600:8a80:207e::/64"]
        net.cidr_merge | [["2601:600:8a80:207e:a57d:7567:e2c9:e7b3"]] | error: IPv6 invalid: needs prefix length
        net.cidr_merge | [["192.0.128.0/24", "192.0.129.0/24"]] | ["192.0.128.0/23"]
        net.cidr_merge | [["192.0.129.0/24", "192.0.130.0/24"]] | ["192.0.129.0/24", "192.0.130.0/24"]
        net.cidr_merge | [["192.0.128.0/24", "192.0.129.0/24", "192.0.130.0/24"]] | ["192.0.128.0/23", "192.0.130.0/24"]
        net.cidr_merge | [["192.0.128.0/24", "192.0.128.0/24", "10.0.0.0/8", "10.1.0.0/16"]] | ["10.0.0.0/8", "192.0.128.0/24"]
        net.cidr_merge | [["192.168.1.5/24"]] | ["192.168.1.0/24"]
        net.cidr_merge | [["0.0.0.0/1", "128.0.0.0/1"]] | ["0.0.0.0/0"]
        net.cidr_merge | [["1.1.1.1", "1.1.1.2"]] | ["1.0.0.0/8"]
        net.cidr_merge | [["10.1.2.3"]] | ["10.1.2.3/8"]
        net.cidr_merge | [["::/1", "8000::/1"]] | ["::/0"]
        net.cidr_merge | [["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32"]] | ["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32"]
        net.cidr_merge | [[]] | []
        net.cidr_merge | [["1.2.3.0/24", 7]] | error: element must be string
        net.cidr_merge | [["1.2.3.0/33"]] | error: invalid CIDR address: 1.2.3.0/33
        net.cidr_contains_matches | ["1.1.1.0/24", "1.1.1.1"] | [["1.1.1.0/24", "1.1.1.1"]]
        net.cidr_contains_matches | [[["1.1.2.0/24", 1], "1.1.1.0/24"], ["1.1.1.1", "1.1.2.1"]] | [[0, 1], [1, 0]]
        net.cidr_contains_matches | [{"a": "1.1.1.0/24", "b": ["1.1.2.0/24"]}, ["1.1.1.1", "1.1.2.1"]] | [["a", 0], ["b", 1]]
        net.cidr_contains_matches | ["1.1.1.0/24", 5] | []
        net.cidr_contains_matches | [["1.1.2.0/24", "1.1.1.0/24"], ["1.1.1.1", 1]] | error: operand 2: element must be string or non-empty array
        net.cidr_contains_matches | [[[]], ["1.1.1.1"]] | error: operand 1: element must be string or non-empty array
        net.cidr_contains_matches | [[], ["1.1.1.1", 1]] | []
        net.cidr_contains_matches | [["1.1.1.0/24", []], ["1.1.1.1", 1]] | error: operand 2: element must be string or non-empty array
        net.cidr_contains_matches | [[[3]], ["1.1.1.1"]] | type: operand 1 must be string but got number
        """);
  }

  @ParameterizedTest(name = "{0}{1} = {2}")
  @MethodSource("cases")
  void builtin(String builtin, String operands, String expected) {
    Table.check(new TestContext(), builtin, operands, expected);
  }

  @Test
  void containsMatchesOverSets() throws BuiltinException {
    Value cidrs =
        dev.tollgate.rego.value.SetValue.of(
            dev.tollgate.rego.value.Json.parse("[\"1.1.1.0/24\", \"bar\"]"),
            dev.tollgate.rego.value.Json.parse("[\"1.1.2.0/24\", \"foo\"]"));
    Value addrs =
        dev.tollgate.rego.value.SetValue.of(
            dev.tollgate.rego.value.Json.parse("[\"1.1.1.1\", \"baz\"]"),
            dev.tollgate.rego.value.Json.parse("[\"1.1.2.1\", \"qux\"]"));
    Value got = TestContext.call("net.cidr_contains_matches", cidrs, addrs);
    assertEquals(
        "[[[\"1.1.1.0/24\",\"bar\"],[\"1.1.1.1\",\"baz\"]],[[\"1.1.2.0/24\",\"foo\"],[\"1.1.2.1\",\"qux\"]]]",
        got.toJson());
  }

  @Test
  void expandLimitIsAHostSetting() throws BuiltinException {
    var caps =
        new BuiltinContext.Capabilities(
            false, Set.of(), false, Map.of(NetBuiltins.EXPAND_LIMIT_SETTING, "4"));
    TestContext ctx = new TestContext(caps, 1);
    Table.check(ctx, "net.cidr_expand", "[\"10.0.0.0/30\"]",
        "[\"10.0.0.0\", \"10.0.0.1\", \"10.0.0.2\", \"10.0.0.3\"]");
    Table.check(ctx, "net.cidr_expand", "[\"10.0.0.0/29\"]", "error: more than the 4 this engine");
  }

  @ParameterizedTest
  @CsvSource({
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "0:0:1:0:0:0:0:1, 0:0:1::1",
    "::ffff:192.0.2.1, 192.0.2.1",
    "::192.0.2.1, ::c000:201",
    "fe80::0001:0, fe80::1:0",
  })
  void ipv6TextMatchesGo(String in, String out) {
    assertEquals(out, GoNet.format(GoNet.parseIp(in)));
  }

  @ParameterizedTest
  @CsvSource({"1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1.2.3.4%eth0", "::1%eth0", ":::", "1:2",
      "1:2:3:4:5:6:7:8:9", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "１.2.3.4", "a:", ":a"})
  void invalidAddressesAreRejected(String in) {
    assertEquals(null, GoNet.parseIp(in));
  }

  @Test
  void lookupIsRefusedUnlessEnabled() {
    BuiltinException e =
        assertThrows(
            BuiltinException.class,
            () -> TestContext.call("net.lookup_ip_addr", StringValue.of("localhost")));
    assertTrue(e.getMessage().contains("netLookupEnabled"));
    assertEquals("eval_builtin_error", e.code());
  }

  @Test
  void lookupOfLiteralAddressesWhenEnabled() throws BuiltinException {
    var caps = new BuiltinContext.Capabilities(false, Set.of(), true, Map.of());
    TestContext ctx = new TestContext(caps, 1);
    assertEquals("[\"127.0.0.1\"]",
        TestContext.call(ctx, "net.lookup_ip_addr", StringValue.of("127.0.0.1")).toJson());
    assertEquals("[\"::1\"]",
        TestContext.call(ctx, "net.lookup_ip_addr", StringValue.of("::1")).toJson());
    Table.check(ctx, "net.lookup_ip_addr", "[\"\"]", "error: no such host");
  }

  @Test
  void lookupHonoursTheHostAllowList() {
    var caps = new BuiltinContext.Capabilities(false, Set.of("example.org"), true, Map.of());
    Table.check(new TestContext(caps, 1), "net.lookup_ip_addr", "[\"127.0.0.1\"]",
        "error: unallowed host: 127.0.0.1");
  }
}
