package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StringBuiltinsTest {

  @ParameterizedTest(name = "{0}{1} = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      concat            | ["/", ["", "foo", "bar", "0", "baz"]] | "/foo/bar/0/baz"
      concat            | [",", []]                          | ""
      concat            | [",", ["a"]]                       | "a"
      concat            | [",", ["a", 1]]                    | !type: operand 2 must be array of strings but got array containing number
      concat            | [",", "ab"]                        | !type: operand 2 must be one of {set, array} but got string
      concat            | [1, ["a"]]                         | !type: operand 1 must be string but got number
      contains          | ["abcdefgh", "cde"]                | true
      contains          | ["abcdefgh", "ac"]                 | false
      contains          | ["abc", ""]                        | true
      startswith        | ["abcdefgh", "abcd"]               | true
      startswith        | ["abcdefgh", "bcd"]                | false
      endswith          | ["abcdefgh", "fgh"]                | true
      endswith          | ["abcdefgh", "fg"]                 | false
      format_int        | [15.5, 16]                         | "f"
      format_int        | [-15.5, 16]                        | "-f"
      format_int        | [3.1, 10]                          | "3"
      format_int        | [10, 2]                            | "1010"
      format_int        | [64, 8]                            | "100"
      format_int        | [123456789123456789123, 16]        | "6b14e9f9b0df36a80"
      format_int        | [-123456789123456789123, 10]       | "-123456789123456789120"
      format_int        | [18446744073709551615.9, 2]        | "10000000000000000000000000000000000000000000000000000000000000000"
      format_int        | [9223372036854775807, 10]          | "9223372036854775807"
      format_int        | [4.1, 199]                         | !type: operand 2 must be one of {2, 8, 10, 16}
      format_int        | ["4", 10]                          | !type: operand 1 must be number but got string
      indexof           | ["abcdefgh", "cde"]                | 2
      indexof           | ["abcabcabcdefgh", "cde"]          | 8
      indexof           | ["μx", "x"]                        | 1
      indexof           | ["μ", "μμ"]                        | -1
      indexof           | ["skön var våren", "vår"]          | 9
      indexof           | ["🍧🍨🧁🍰🍮", "🍮"]                   | 4
      indexof           | ["abc", ""]                        | !fail: empty search character
      indexof_n         | ["dogcatdogcat", "cat"]            | [3, 9]
      indexof_n         | ["aaa", "aa"]                      | [0, 1]
      indexof_n         | ["😇😀😇😀😇😀", "😀"]                  | [1, 3, 5]
      indexof_n         | ["dogcat", "rabbit"]               | []
      lower             | ["AbCdEf"]                         | "abcdef"
      lower             | ["ÅÄÖ İ"]                          | "åäö i"
      upper             | ["AbCdEf"]                         | "ABCDEF"
      upper             | ["straße"]                         | "STRAßE"
      replace           | ["foo.bar", ".", ","]              | "foo,bar"
      replace           | ["aaa", "a", "bb"]                 | "bbbbbb"
      replace           | ["ab", "", "-"]                    | "-a-b-"
      split             | ["", "."]                          | [""]
      split             | ["foo", "."]                       | ["foo"]
      split             | ["a.b..c", "."]                    | ["a", "b", "", "c"]
      split             | ["aé", ""]                         | ["a", "é"]
      strings.split_n   | ["a.b.c.d", ".", 2]                | ["a", "b"]
      strings.split_n   | ["a.b.c.d", ".", 10]               | ["a", "b", "c", "d"]
      strings.split_n   | ["a.b.c.d", ".", 0]                | []
      strings.split_n   | ["a.b.c.d", ".", -2]               | ["c", "d"]
      strings.split_n   | ["a.b.c.d", ".", -10]              | ["a", "b", "c", "d"]
      strings.split_n   | ["abc", ".", -2]                   | ["abc"]
      strings.split_n   | ["", ".", 2]                       | [""]
      strings.split_n   | ["abc", "", 2]                     | ["a", "b"]
      strings.split_n   | ["abc", "", -2]                    | ["b", "c"]
      strings.split_n   | ["a.b.c", ".", 1.5]                | !type: operand 3 must be integer number but got floating-point number
      substring         | ["abcdefgh", 2, 3]                 | "cde"
      substring         | ["åäö", 0, 2]                      | "åä"
      substring         | ["abcdefgh", 2, -1]                | "cdefgh"
      substring         | ["aåäö", 2, -1]                    | "äö"
      substring         | ["abcdefgh", 2, 10000]             | "cdefgh"
      substring         | ["aaa", 4, -1]                     | ""
      substring         | ["aaa", -1, -1]                    | !fail: negative offset
      substring         | ["aaa", 1.5, 1]                    | !type: operand 2 must be integer number but got floating-point number
      trim              | ["...foo.bar...", ".fr"]           | "oo.ba"
      trim              | ["¡¡¡foo, bar!!!", "!¡"]           | "foo, bar"
      trim              | ["abc", ""]                        | "abc"
      trim_left         | ["¡¡¡foo, bar!!!", "!¡"]           | "foo, bar!!!"
      trim_right        | ["¡¡¡foo, bar!!!", "!¡"]           | "¡¡¡foo, bar"
      trim_prefix       | ["¡¡¡foo, bar!!!", "¡¡¡foo"]       | ", bar!!!"
      trim_prefix       | ["foo", "bar"]                     | "foo"
      trim_suffix       | ["¡¡¡foo, bar!!!", ", bar!!!"]     | "¡¡¡foo"
      trim_space        | [" \\t\\n foo, bar \\n\\t\\r\\n"]  | "foo, bar"
      trim_space        | ["\\u00a0\\u2003x\\u0085"]         | "x"
      strings.reverse   | ["bar"]                            | "rab"
      strings.reverse   | ["1😀𝛾"]                             | "𝛾😀1"
      strings.reverse   | ["2\\ufe0f\\u20e3"]                | "\\u20e3\\ufe0f2"
      strings.reverse   | [123]                              | !type: operand 1 must be string but got number
      strings.count     | ["cheese", "e"]                    | 3
      strings.count     | ["five", ""]                       | 5
      strings.count     | ["aaaa", "aa"]                     | 2
      strings.any_prefix_match | ["foo", "f"]                | true
      strings.any_prefix_match | [["foo", "bar"], ["x", "b"]] | true
      strings.any_prefix_match | [["foo", "bar"], "z"]      | false
      strings.any_prefix_match | [1, "z"]                   | !type: operand 1 must be one of {string, set, array} but got number
      strings.any_suffix_match | ["foo.com", [".com"]]      | true
      strings.any_suffix_match | ["foo.org", [".com"]]      | false
      strings.replace_n | [{"<": "&lt;", ">": "&gt;"}, "This is <b>HTML</b>!"] | "This is &lt;b&gt;HTML&lt;/b&gt;!"
      strings.replace_n | [{"f": "x", "foo": "xxx"}, "foobar"] | "xoobar"
      strings.replace_n | [{"a": "b", "b": "a"}, "abba"]     | "baab"
      strings.replace_n | [{}, "abc"]                        | "abc"
      strings.replace_n | [{"a": 1}, "abc"]                  | !type: operand 1 non-string value found in pattern object
      """)
  void table(String name, String args, String expected) throws BuiltinException {
    StringsTestSupport.check(name, args, expected);
  }

  @Test
  void concatJoinsSetsInValueOrder() throws BuiltinException {
    Value set = SetValue.of(StringValue.of("b"), StringValue.of("c"), StringValue.of("a"));
    assertEquals(StringValue.of("a,b,c"), StringsTestSupport.call("concat", StringValue.of(","), set));
  }

  @Test
  void anyPrefixMatchAcceptsSets() throws BuiltinException {
    Value set = SetValue.of(StringValue.of("x"), StringValue.of("ab"));
    assertEquals(dev.tollgate.rego.value.BooleanValue.TRUE,
        StringsTestSupport.call("strings.any_prefix_match", StringValue.of("abc"), set));
  }

  /** The ASCII fast path of upper and lower agrees with the per-code-point mapping. */
  @Test
  void caseMappingFastPathAgrees() {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "abcxyzABCXYZ019 -_.~@[]`{}\u00e9\u0130\u00df\uD83D\uDE00";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(12);
      boolean ascii = random.nextBoolean();
      for (int j = 0; j < len; j++) {
        sb.append(alphabet.charAt(random.nextInt(ascii ? 27 : alphabet.length())));
      }
      String s = sb.toString();
      assertEquals(StringBuiltins.mapCodePoints(s, true), StringBuiltins.mapCase(s, true), s);
      assertEquals(StringBuiltins.mapCodePoints(s, false), StringBuiltins.mapCase(s, false), s);
    }
  }
}
