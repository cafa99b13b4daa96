package dev.tollgate.authz.policy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lone surrogates become U+FFFD, as Go's JSON decoder turns them; pairs stay. */
class JsonTreesTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      plain              | abc                  | abc
      lone high          | a\\ud800b            | a\\ufffdb
      lone low           | \\udc00              | \\ufffd
      high at the end    | ab\\ud800            | ab\\ufffd
      pair               | \\ud83d\\ude00       | \\ud83d\\ude00
      reversed pair      | \\ude00\\ud83d       | \\ufffd\\ufffd
      two highs and low  | \\ud800\\ud83d\\ude00 | \\ufffd\\ud83d\\ude00
      """)
  void wellFormedReplacesOnlyLoneHalves(String what, String escapedIn, String escapedOut) throws Exception {
    ObjectMapper json = new ObjectMapper();
    String in = json.readValue("\"" + escapedIn + "\"", String.class);
    String out = json.readValue("\"" + escapedOut + "\"", String.class);
    assertEquals(out, JsonTrees.wellFormed(in));
    JsonNode tree = json.readTree("{\"a\": [\"" + escapedIn + "\", {\"b\": \"" + escapedIn + "\"}], \"c\": \"" + escapedIn + "\"}");
    JsonNode fixed = JsonTrees.withWellFormedStrings(tree);
    assertEquals(out, fixed.at("/a/0").textValue());
    assertEquals(out, fixed.at("/a/1/b").textValue());
    assertEquals(out, fixed.at("/c").textValue());
    if (in.equals(out)) {
      assertSame(in, JsonTrees.wellFormed(in), "no copy when nothing changes");
    }
  }
}
