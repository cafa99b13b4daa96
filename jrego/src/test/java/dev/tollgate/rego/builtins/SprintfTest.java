package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.Json;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.SetValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** sprintf against outputs of Go's fmt.Sprintf for the values OPA passes it. */
class SprintfTest {

  private static String sprintf(String format, Value args) throws BuiltinException {
    return ((StringValue) StringsTestSupport.call("sprintf", StringValue.of(format), args)).value();
  }

  @ParameterizedTest(name = "sprintf({0}, {1}) = {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      hi                 | []                     | hi
      hi %s              | ["there"]              | hi there
      hi %02d            | [5]                    | hi 05
      hi %02X.%02X       | [127, 1]               | hi 7F.01
      hi %.2f            | [3.1415]               | hi 3.14
      %d                 | [-42]                  | -42
      ~[%5d]~ | [42] | ~[   42]~
      ~[%-5d]~ | [42] | ~[42   ]~
      %05d               | [-42]                  | -0042
      %+d                | [5]                    | +5
      ~% d~              | [5]                    | ~ 5~
      %x                 | [255]                  | ff
      %#x                | [255]                  | 0xff
      %#X                | [255]                  | 0XFF
      %o                 | [8]                    | 10
      %#o                | [8]                    | 010
      %O                 | [8]                    | 0o10
      %b                 | [5]                    | 101
      %#b                | [5]                    | 0b101
      %.3d               | [7]                    | 007
      ~[%8.3d]~ | [7] | ~[     007]~
      [%.0d]             | [0]                    | []
      %c                 | [65]                   | A
      %q                 | [65]                   | 'A'
      %U                 | [128512]               | U+1F600
      %#U                | [65]                   | U+0041 'A'
      %v                 | [3.14]                 | 3.14
      %v                 | [1234567.5]            | 1.2345675e+06
      %v                 | [100000.5]             | 100000.5
      %v                 | [0.0001]               | 0.0001
      %v                 | [0.00001]              | 1e-05
      %f                 | [3.14159]              | 3.141590
      ~[%8.3f]~ | [3.14159] | ~[   3.142]~
      ~[%-8.3f]~ | [3.14159] | ~[3.142   ]~
      %08.3f             | [-3.14159]             | -003.142
      %+.1f              | [2.25]                 | +2.2
      %.0f %.0f %.0f     | [0.5, 1.5, 2.5]        | 0 2 2
      %5.1f              | [9.96]                 | ~ 10.0~
      %e                 | [123456.789]           | 1.234568e+05
      %E                 | [0.000123]             | 1.230000E-04
      %g                 | [123456.789]           | 123456.789
      %g                 | [0.0000001]            | 1e-07
      %G                 | [0.0000001]            | 1E-07
      %.3g               | [123456.789]           | 1.23e+05
      %.3g               | [2.5]                  | 2.5
      %#g                | [2.5]                  | 2.50000
      %#.0f              | [3.7]                  | 4.
      %#x                | [1.5]                  | 0x1.8000p+00
      %+v %+d            | [5, 5]                 | 5 +5
      %x                 | [1.5]                  | 0x1.8p+00
      %.1x               | [1.75]                 | 0x1.cp+00
      %d                 | [123456789123456789123] | 123456789123456789123
      %s                 | [123456789123456789123] | 123456789123456789123
      %v                 | [123456789123456789123] | 123456789123456789123
      %x                 | [123456789123456789123] | 6b14e9f9b0df36a83
      %+d                | [123456789123456789123] | +123456789123456789123
      ~[%25d]~ | [123456789123456789123] | ~[    123456789123456789123]~
      %025d              | [-123456789123456789123] | -000123456789123456789123
      %f                 | [123456789123456789123] | %!f(big.Int=123456789123456789123)
      %T %T %T %T        | [1, 1.5, "a", 123456789123456789123] | int float64 string *big.Int
      %s                 | ["hi"]                 | hi
      ~[%5s]~ | ["hi"] | ~[   hi]~
      ~[%-5s]~ | ["hi"] | ~[hi   ]~
      %.2s               | ["héllo"]              | hé
      %q                 | ["a\\"b\\n"]           | "a\\"b\\n"
      %q                 | ["é\\u0000"]           | "é\\x00"
      %+q                | ["é"]                  | "\\u00e9"
      %#q                | ["a b"]                | `a b`
      %#v                | ["a"]                  | "a"
      %x                 | ["hi"]                 | 6869
      ~% x~              | ["hi"]                 | 68 69
      %#x                | ["hi"]                 | 0x6869
      %v                 | [[1, "a", 2.5]]        | [1, "a", 2.5]
      %v                 | [{"b": [true], "a": null}] | {"a": null, "b": [true]}
      %v                 | [true]                 | true
      %d                 | [[1, 2]]               | %!d(string=[1, 2])
      %s                 | [5]                    | %!s(int=5)
      %d                 | ["hi"]                 | %!d(string=hi)
      %d                 | [3.5]                  | %!d(float64=3.5)
      %z                 | [1]                    | %!z(int=1)
      %d %d              | [1]                    | 1 %!d(MISSING)
      hi                 | [1]                    | hi%!(EXTRA int=1)
      %d                 | [1, "a", 2]            | 1%!(EXTRA string=a, int=2)
      100%%              | []                     | 100%
      %                  | []                     | %!(NOVERB)
      %[2]d %[1]d        | [1, 2]                 | 2 1
      %[3]d              | [1]                    | %!d(BADINDEX)
      ~%[2]*[1]d~        | [12, 5]                | ~   12~
      %d %d %#[1]x %#x   | [16, 17]               | 16 17 0x10 0x11
      %[d                | [2, 1]                 | %!d(BADINDEX)
      %[]d               | [2, 1]                 | %!d(BADINDEX)
      %[-3]d             | [2, 1]                 | %!d(BADINDEX)
      ~[%*d]~ | [5, 42] | ~[   42]~
      ~[%-*d]~ | [5, 42] | ~[42   ]~
      %.*f               | [2, 3.14159]           | 3.14
      hi %v              | [2e308]                | hi 2e308
      """)
  void formats(String format, String args, String expected) throws BuiltinException {
    assertEquals(expected, sprintf(format, Json.parse(args)));
  }

  @Test
  void setsPrintInValueOrderAndEmptySetAsSetCall() throws BuiltinException {
    Value set = SetValue.of(NumberValue.of(2), NumberValue.of(1));
    assertEquals("{1, 2} set()", sprintf("%v %v", ArrayValue.of(set, SetValue.EMPTY)));
  }

  @Test
  void nonArrayValuesAreATypeError() throws BuiltinException {
    StringsTestSupport.check("sprintf", "[\"%d\", 1]", "!type: operand 2 must be array but got number");
  }
}
