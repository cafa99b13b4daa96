package dev.tollgate.rego.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * regex.globs_match against brute force: for small patterns over a small alphabet, the
 * intersection is non-empty exactly when some non-empty string of bounded length matches both.
 * A shortest common string takes one character per non-repeated token of either pattern plus
 * at most one more, so with three atoms a side seven characters suffice.
 */
class GlobIntersectionTest {
  private static final String[] ATOMS = {"a", "b", ".", "[ab]", "[a-c]", "a*", "b+", ".*", "[bc]+", "c"};
  private static final char[] ALPHABET = {'a', 'b', 'c', 'd'};

  @Test
  void agreesWithBruteForceOnRandomPatterns() throws BuiltinException {
    SplittableRandom random = new SplittableRandom(20261129);
    List<String> strings = new ArrayList<>();
    for (int len = 1; len <= 7; len++) {
      enumerate("", len, strings);
    }
    int intersecting = 0;
    for (int n = 0; n < 400; n++) {
      String g1 = pattern(random);
      String g2 = pattern(random);
      Pattern p1 = Pattern.compile(g1);
      Pattern p2 = Pattern.compile(g2);
      boolean expected = false;
      for (String s : strings) {
        if (p1.matcher(s).matches() && p2.matcher(s).matches()) {
          expected = true;
          break;
        }
      }
      assertEquals(expected, GlobIntersection.nonEmpty(g1, g2), g1 + " vs " + g2);
      intersecting += expected ? 1 : 0;
    }
    // the random pairs must exercise both answers, or the comparison proves little
    assertTrue(intersecting >= 40 && intersecting <= 360, intersecting + " of 400 pairs intersect");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} & {1} = {2}")
  @org.junit.jupiter.params.provider.CsvSource({
    "a, a, true",
    "a, b, false",
    "[ab], [bc]+, true",
    "a.c, [ab]bc, true",
    "a.c, [ab]bd, false",
    ".*, cb, true",
    "b+, a, false",
    "[a-c], d, false",
    "a*b, [ab]+, true",
  })
  void knownPairs(String g1, String g2, boolean expected) throws BuiltinException {
    assertEquals(expected, GlobIntersection.nonEmpty(g1, g2));
    assertEquals(expected, GlobIntersection.nonEmpty(g2, g1));
  }

  private static String pattern(SplittableRandom random) {
    StringBuilder sb = new StringBuilder();
    int atoms = 1 + random.nextInt(3);
    for (int i = 0; i < atoms; i++) {
      sb.append(ATOMS[random.nextInt(ATOMS.length)]);
    }
    return sb.toString();
  }

  private static void enumerate(String prefix, int len, List<String> out) {
    if (prefix.length() == len) {
      out.add(prefix);
      return;
    }
    for (char c : ALPHABET) {
      enumerate(prefix + c, len, out);
    }
  }
}
