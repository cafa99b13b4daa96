package dev.tollgate.rego.builtins;

import static dev.tollgate.rego.builtins.BuiltinCases.failure;
import static dev.tollgate.rego.builtins.BuiltinCases.ok;
import static dev.tollgate.rego.builtins.BuiltinCases.typeError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.rego.value.StringValue;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class EncodingsTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        ok("base64.encode", "\"aGVsbG8=\"", "\"hello\""),
        ok("base64.encode", "\"c3ViamVjdHM/X2Q=\"", "\"subjects?_d\""),
        ok("base64.encode", "\"w6U=\"", "\"å\""),
        ok("base64.decode", "\"subjects?_d\"", "\"c3ViamVjdHM/X2Q=\""),
        ok("base64.decode", "\"hello\"", "\"aGVs\\nbG8=\""),
        failure("base64.decode", "illegal base64 data at input byte 4", "\"aGVsbG8\""),
        failure("base64.decode", "illegal base64 data at input byte 0", "\"{'not':'base64'}\""),
        failure("base64.decode", "illegal base64 data at input byte 8", "\"aGVsbG8=x\""),
        typeError("base64.decode", "operand 1 must be string but got number", "1"),
        ok("base64.is_valid", "true", "\"aGVsbG8=\""),
        ok("base64.is_valid", "false", "\"{'not':'base64'}\""),
        ok("base64.is_valid", "false", "1"),
        ok("base64url.encode", "\"aGVsbG8=\"", "\"hello\""),
        ok("base64url.encode", "\"c3ViamVjdHM_X2Q=\"", "\"subjects?_d\""),
        ok("base64url.encode_no_pad", "\"aGVsbG8\"", "\"hello\""),
        ok("base64url.decode", "\"hello\"", "\"aGVsbG8=\""),
        ok("base64url.decode", "\"hello\"", "\"aGVsbG8\""),
        failure("base64url.decode", "illegal base64url string: a", "\"a\""),
        // Padding follows the length in UTF-8 bytes, as Go's len does: "é" is two bytes.
        failure("base64url.decode", "illegal base64 data at input byte 0", "\"é\""),
        failure("base64url.decode", "illegal base64url string: abcé", "\"abcé\""),
        ok("hex.encode", "\"6c6f72656d20697073756d\"", "\"lorem ipsum\""),
        ok("hex.decode", "\"lorem ipsum\"", "\"6c6f72656d20697073756d\""),
        ok("hex.decode", "\"\\ufffd\"", "\"ff\""),
        failure("hex.decode", "encoding/hex: odd length hex string", "\"6c6\""),
        failure("hex.decode", "encoding/hex: invalid byte: U+0067 'g'", "\"6g\""),
        failure("hex.decode", "encoding/hex: invalid byte: U+007A 'z'", "\"6cz\""));
  }

  @ParameterizedTest(name = "{0}{1} -> {2} {3}")
  @MethodSource("cases")
  void builtin(String name, List<String> args, BuiltinCases.Outcome outcome, String expected) throws Exception {
    BuiltinCases.check(name, args, outcome, expected);
  }

  /** Go turns each byte of an invalid UTF-8 sequence into its own U+FFFD. */
  @ParameterizedTest(name = "{0} -> {1} code points")
  @CsvSource({
      "2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k=, 30",
      "4oI=, 2",
      "7aCA, 3",
      "8J+YgA==, 1",
  })
  void decodedInvalidUtf8CountsLikeGo(String base64, long codePoints) throws Exception {
    StringValue s = (StringValue) BuiltinCases.call("base64.decode", BuiltinCases.str(base64));
    assertEquals(codePoints, s.value().codePointCount(0, s.value().length()));
  }

  @Test
  void encodeDecodeRoundTripsText() throws Exception {
    String text = "policy: ünïcødé ✓ 😀";
    Object encoded = BuiltinCases.call("base64url.encode_no_pad", BuiltinCases.str(text));
    assertEquals(StringValue.of(text), BuiltinCases.call("base64url.decode", encoded.toString()));
  }
}
