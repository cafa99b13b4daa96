package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** units, to_number, urlquery, semver and uuid built-ins. */
class ConversionBuiltinsTest {

  @ParameterizedTest(name = "{0}{1} = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      units.parse       | ["8k"]          | 8000
      units.parse       | ["1Ki"]         | 1024
      units.parse       | ["10KI"]        | 10240
      units.parse       | ["1.1Ki"]       | 1126.4
      units.parse       | ["1.1K"]        | 1100
      units.parse       | [".5K"]         | 500
      units.parse       | ["100m"]        | 0.1
      units.parse       | ["100M"]        | 100000000
      units.parse       | ["100mi"]       | 104857600
      units.parse       | ["10Ei"]        | 11529215046068469760
      units.parse       | ["10e"]         | 10000000000000000000
      units.parse       | ["\\"100TI\\""] | 109951162777600
      units.parse       | [".0"]          | 0
      units.parse       | ["1e3k"]        | 1000000
      units.parse       | ["-1k"]         | -1000
      units.parse       | ["0.0000000001m"] | 0
      units.parse       | [""]            | !fail: units.parse error: no amount provided
      units.parse       | ["foo"]         | !fail: units.parse error: no amount provided
      units.parse       | ["0.0.0"]       | !fail: units.parse error: could not parse amount to a number
      units.parse       | ["100 k"]       | !fail: units.parse error: spaces not allowed in resource strings
      units.parse       | ["10foo"]       | !fail: units.parse error: unit foo not recognized
      units.parse       | ["1e1234567"]   | !fail: units.parse error: exponent too large
      units.parse       | [1]             | !type: operand 1 must be string but got number
      units.parse_bytes | ["8kb"]         | 8000
      units.parse_bytes | ["1KiB"]        | 1024
      units.parse_bytes | ["2Mi"]         | 2097152
      units.parse_bytes | ["4.1Mi"]       | 4299161
      units.parse_bytes | ["1.5KiB"]      | 1536
      units.parse_bytes | ["2.9"]         | 2
      units.parse_bytes | ["520.2865t"]   | 520286499999999
      units.parse_bytes | ["1e60ei"]      | 1152921504606846975999277606394385120373829995141978586587115327908186968555520
      units.parse_bytes | ["-0.5k"]       | -500
      units.parse_bytes | ["128Gi"]       | 137438953472
      units.parse_bytes | ["GB"]          | !fail: units.parse_bytes error: no byte amount provided
      units.parse_bytes | [".5.2"]        | !fail: units.parse_bytes error: could not parse byte amount to a number
      units.parse_bytes | [" 327MiB "]    | !fail: units.parse_bytes error: spaces not allowed in resource strings
      units.parse_bytes | ["10xb"]        | !fail: units.parse_bytes error: byte unit xb not recognized
      to_number         | ["-42.0"]       | -42
      to_number         | [false]         | 0
      to_number         | [true]          | 1
      to_number         | [null]          | 0
      to_number         | [100.1]         | 100.1
      to_number         | ["1e3"]         | 1000
      to_number         | [".5"]          | 0.5
      to_number         | ["+7"]          | 7
      to_number         | ["0x10p0"]      | 16
      to_number         | ["0x1.8p1"]     | 3
      to_number         | ["1_000"]       | 1000
      to_number         | ["broken"]      | !fail: strconv.ParseFloat: parsing "broken": invalid syntax
      to_number         | [" 1"]          | !fail: invalid syntax
      to_number         | ["1_"]          | !fail: invalid syntax
      to_number         | ["0x10"]        | !fail: invalid syntax
      to_number         | ["1e400"]       | !fail: strconv.ParseFloat: parsing "1e400": value out of range
      to_number         | ["-Inf"]        | !type: operand 1 must be valid number string but got string
      to_number         | ["NaN"]         | !type: operand 1 must be valid number string but got string
      to_number         | [[1]]           | !type: operand 1 must be one of {null, boolean, number, string} but got array
      urlquery.encode   | ["a=b+1"]       | "a%3Db%2B1"
      urlquery.encode   | ["a b/é~"]      | "a+b%2F%C3%A9~"
      urlquery.decode   | ["a%3Db%2B1"]   | "a=b+1"
      urlquery.decode   | ["a+b%C3%A9"]   | "a bé"
      urlquery.decode   | ["%zz"]         | !fail: invalid URL escape "%zz"
      urlquery.decode   | ["a%4"]         | !fail: invalid URL escape "%4"
      urlquery.encode_object | [{}]       | ""
      urlquery.encode_object | [{"b": ["x", "y"], "a": "c=d"}] | "a=c%3Dd&b=x&b=y"
      urlquery.encode_object | [{"a": []}] | ""
      urlquery.encode_object | [{"a": 1}] | !type: operand 1 values must be string, array[string], or set[string]
      urlquery.encode_object | [[]]       | !type: operand 1 must be object but got array
      urlquery.decode_object | ["a=value_a1&b=value_b&a=value_a2"] | {"a": ["value_a1", "value_a2"], "b": ["value_b"]}
      urlquery.decode_object | ["a=value_a1&b"] | {"a": ["value_a1"], "b": [""]}
      urlquery.decode_object | ["&&x=%20"] | {"x": [" "]}
      urlquery.decode_object | [""]       | {}
      urlquery.decode_object | ["a=1;b=2"] | !fail: invalid semicolon separator in query
      urlquery.decode_object | ["a=%x"]   | !fail: invalid URL escape "%x"
      semver.is_valid   | ["1.0.0"]                 | true
      semver.is_valid   | ["v1.2.3"]                | true
      semver.is_valid   | ["1.0.0-alpha.1+build.5"] | true
      semver.is_valid   | ["1.0"]                   | false
      semver.is_valid   | ["1.0.0-al_pha"]          | false
      semver.is_valid   | ["1.0.x"]                 | false
      semver.is_valid   | [1]                       | false
      semver.compare    | ["1.0.0", "2.0.0"]        | -1
      semver.compare    | ["1.0.0", "1.0.0"]        | 0
      semver.compare    | ["2.0.0", "1.9.9"]        | 1
      semver.compare    | ["1.0.0-alpha", "1.0.0"]  | -1
      semver.compare    | ["1.0.0-alpha.1", "1.0.0-alpha.beta"] | -1
      semver.compare    | ["1.0.0-beta.11", "1.0.0-beta.2"]     | 1
      semver.compare    | ["1.0.0-alpha", "1.0.0-alpha.1"]      | -1
      semver.compare    | ["1.0.0+a", "1.0.0+b"]    | 0
      semver.compare    | ["1", "1.0.0"]            | !fail: operand 1: string "1" is not a valid SemVer
      semver.compare    | ["1.0.0", "1"]            | !fail: operand 2: string "1" is not a valid SemVer
      semver.compare    | ["1.0.0", 1]              | !type: operand 2 must be string but got number
      uuid.parse        | ["00000000-0000-0000-0000-000000000000"] | {"version": 0, "variant": "Reserved"}
      uuid.parse        | ["e1e4bc34-51d4-4f6b-86ce-cf0d5e8a6a70"] | {"version": 4, "variant": "RFC4122"}
      uuid.parse        | ["{e1e4bc34-51d4-4f6b-86ce-cf0d5e8a6a70}"] | {"version": 4, "variant": "RFC4122"}
      uuid.parse        | ["urn:uuid:e1e4bc34-51d4-4f6b-c6ce-cf0d5e8a6a70"] | {"version": 4, "variant": "Microsoft"}
      uuid.parse        | ["e1e4bc3451d44f6b86cecf0d5e8a6a70"] | {"version": 4, "variant": "RFC4122"}
      uuid.parse        | ["C232AB00-9414-11EC-B3C8-9F6BDECED846"] | {"version": 1, "variant": "RFC4122", "time": 1645557742000000000, "nodeid": "local:multicast:9f6bdeced846", "clocksequence": 13256}
      uuid.parse        | ["000003e8-9414-21ec-b302-0242ac120002"] | {"version": 2, "variant": "RFC4122", "time": 1645557416190052000, "nodeid": "local:unicast:0242ac120002", "clocksequence": 13058, "id": 1000, "domain": "Org"}
      uuid.parse        | ["000003e8-9414-21ec-b301-0342ac120002"] | {"version": 2, "variant": "RFC4122", "time": 1645557416190052000, "nodeid": "local:multicast:0342ac120002", "clocksequence": 13057, "id": 1000, "domain": "Group"}
      uuid.parse        | ["00000001-0000-1000-8000-0242ac120002"] | {"version": 1, "variant": "RFC4122", "time": 6227451273709551716, "nodeid": "local:unicast:0242ac120002", "clocksequence": 0}
      uuid.parse        | ["e1e4bc34-51d4-4f6b-e6ce-cf0d5e8a6a70"] | {"version": 4, "variant": "Future"}
      uuid.parse        | ["[e1e4bc34-51d4-4f6b-86ce-cf0d5e8a6a70]"] | {"version": 4, "variant": "RFC4122"}
      uuid.parse        | ["not-a-uuid"]            | undefined
      uuid.parse        | ["e1e4bc34-51d4-4f6b-86ce-cf0d5e8a6a7g"] | undefined
      uuid.parse        | [1]                       | !type: operand 1 must be string but got number
      """)
  void table(String name, String args, String expected) throws BuiltinException {
    StringsTestSupport.check(name, args, expected);
  }

  @Test
  void rfc4122IsStableWithinOneEvaluationAndVersion4() throws BuiltinException {
    TestContext ctx = new TestContext(0, BuiltinContext.Capabilities.NONE, 42);
    Value a = StringsTestSupport.call(ctx, "uuid.rfc4122", StringValue.of("a"));
    Value again = StringsTestSupport.call(ctx, "uuid.rfc4122", StringValue.of("a"));
    Value b = StringsTestSupport.call(ctx, "uuid.rfc4122", StringValue.of("b"));
    assertEquals(a, again);
    assertNotEquals(a, b);
    String s = ((StringValue) a).value();
    assertTrue(s.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), s);
    Value other = StringsTestSupport.call(new TestContext(0, BuiltinContext.Capabilities.NONE, 7), "uuid.rfc4122",
        StringValue.of("a"));
    assertNotEquals(a, other);
    assertTrue(BuiltinRegistry.standard().get("uuid.rfc4122").nondeterministic());
  }
}
