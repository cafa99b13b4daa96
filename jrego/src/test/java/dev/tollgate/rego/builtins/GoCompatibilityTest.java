package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Go library behaviours OPA's messages and results depend on: base64, PEM, JSON syntax errors. */
class GoCompatibilityTest {
  @ParameterizedTest(name = "decode({0})")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "``        | ``",
      "Zm9v      | foo",
      "Zm8=      | fo",
      "Zg==      | f",
      "Zm9v\\nYmFy | foobar"})
  void base64Decodes(String input, String output) throws Exception {
    assertArrayEquals(output.getBytes(StandardCharsets.UTF_8), GoBase64.decodeStd(input.replace("\\n", "\n")));
  }

  @ParameterizedTest(name = "decode({0}) fails at {1}")
  @CsvSource({"abc, 0", "Zm9v!, 4", "Zg=, 3", "Zg==x, 4", "Z===, 1", "Zm9vY, 4"})
  void base64ErrorsNameGoOffsets(String input, int at) {
    GoBase64.CorruptInputException e = assertThrows(GoBase64.CorruptInputException.class, () -> GoBase64.decodeStd(input));
    assertEquals("illegal base64 data at input byte " + at, e.getMessage());
  }

  @Test
  void base64UrlAddsMissingPadding() throws Exception {
    assertArrayEquals("fo".getBytes(StandardCharsets.UTF_8), GoBase64.decodeUrlLenient("Zm8"));
    assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff}, GoBase64.decodeUrlLenient("-_8"));
    GoBase64.CorruptInputException e = assertThrows(GoBase64.CorruptInputException.class, () -> GoBase64.decodeUrlLenient("Zm9vY"));
    assertEquals("illegal base64url string: Zm9vY", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "``           | unexpected end of JSON input",
      "e            | invalid character 'e' looking for beginning of value",
      "{\"a\" 1}    | invalid character '1' after object key",
      "{\"a\":1 \"b\":2} | invalid character '\"' after object key:value pair",
      "[1 2]        | invalid character '2' after array element",
      "{1:2}        | invalid character '1' looking for beginning of object key string",
      "tru          | unexpected end of JSON input",
      "trux         | invalid character 'x' in literal true (expecting 'e')",
      "{} x         | invalid character 'x' after top-level value",
      "01           | invalid character '1' after top-level value",
      "\"a\\x\"     | invalid character 'x' in string escape code",
      "[1.]         | invalid character ']' after decimal point in numeric literal"})
  void jsonSyntaxErrorsReadLikeGo(String input, String message) {
    assertEquals(message, GoJsonSyntax.check(input));
  }

  @Test
  void validJsonPasses() {
    assertNull(GoJsonSyntax.check(" {\"a\": [1, -2.5e3, true, null, \"\\u00e9\\n\"]} "));
  }

  @Test
  void pemDecodesLikeGo() {
    String body = "-----BEGIN THING-----\nProc-Type: 4,ENCRYPTED\n\naGk=\n-----END THING-----\n";
    Pem.Block b = Pem.decode("preamble\n" + body + "after");
    assertNotNull(b);
    assertEquals("THING", b.type());
    assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), b.bytes());
    assertEquals("after", new String(b.rest(), StandardCharsets.UTF_8));
    // Mismatched END type and bad base64 blocks are passed over.
    assertNull(Pem.decode("-----BEGIN A-----\naGk=\n-----END B-----\n"));
    assertNull(Pem.decode("-----BEGIN A-----\n!!!!\n-----END A-----\n"));
    assertNull(Pem.decode("{\"kty\":\"oct\"}"));
  }
}
