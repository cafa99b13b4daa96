package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.util.regex.Pattern;

/** {@code semver.is_valid} and {@code semver.compare} (SemVer 2.0 precedence, as OPA parses). */
final class SemverBuiltins {
  private static final Pattern IDENTIFIERS = Pattern.compile("[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*");

  private SemverBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("semver.is_valid", 1,
        (ctx, a) -> BooleanValue.of(a[0] instanceof StringValue s && parse(s.value()) != null));
    r.function("semver.compare", 2, (ctx, a) -> compare(a));
  }

  /** A parsed version; metadata does not take part in precedence. */
  record Version(long major, long minor, long patch, String preRelease) {
    int compareTo(Version o) {
      int c = Long.compare(major, o.major);
      if (c == 0) {
        c = Long.compare(minor, o.minor);
      }
      if (c == 0) {
        c = Long.compare(patch, o.patch);
      }
      if (c != 0) {
        return Integer.signum(c);
      }
      if (preRelease.equals(o.preRelease)) {
        return 0;
      }
      if (preRelease.isEmpty()) {
        return 1;
      }
      if (o.preRelease.isEmpty()) {
        return -1;
      }
      String[] a = preRelease.split("\\.", -1);
      String[] b = o.preRelease.split("\\.", -1);
      for (int i = 0; i < Math.min(a.length, b.length); i++) {
        boolean an = isNumeric(a[i]);
        boolean bn = isNumeric(b[i]);
        if (an != bn) {
          return an ? -1 : 1;
        }
        int d = an ? Long.compare(saturatingParse(a[i]), saturatingParse(b[i])) : a[i].compareTo(b[i]);
        if (d != 0) {
          return Integer.signum(d);
        }
      }
      return Integer.compare(a.length, b.length);
    }
  }

  private static boolean isNumeric(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static long saturatingParse(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** OPA's parser: optional leading 'v', MAJOR.MINOR.PATCH, optional -pre and +metadata. */
  static Version parse(String version) {
    String v = version.startsWith("v") ? version.substring(1) : version;
    int plus = v.indexOf('+');
    if (plus >= 0) {
      String meta = v.substring(plus + 1);
      v = v.substring(0, plus);
      if (!meta.isEmpty() && !IDENTIFIERS.matcher(meta).matches()) {
        return null;
      }
    }
    String pre = "";
    int dash = v.indexOf('-');
    if (dash >= 0) {
      pre = v.substring(dash + 1);
      v = v.substring(0, dash);
      if (!pre.isEmpty() && !IDENTIFIERS.matcher(pre).matches()) {
        return null;
      }
    }
    String[] parts = v.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    Long major = goParseInt(parts[0]);
    Long minor = goParseInt(parts[1]);
    Long patch = goParseInt(parts[2]);
    if (major == null || minor == null || patch == null) {
      return null;
    }
    return new Version(major, minor, patch, pre);
  }

  /** strconv.ParseInt(s, 10, 64): optional sign, decimal digits, 64-bit range. */
  private static Long goParseInt(String s) {
    if (!s.matches("[+-]?[0-9]+")) {
      return null;
    }
    try {
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Value compare(Value[] a) throws BuiltinException {
    String x = Args.string(a, 0);
    String y = Args.string(a, 1);
    Version vx = parse(x);
    if (vx == null) {
      throw invalid(1, x);
    }
    Version vy = parse(y);
    if (vy == null) {
      throw invalid(2, y);
    }
    return NumberValue.of(vx.compareTo(vy));
  }

  private static BuiltinException invalid(int operand, String s) {
    StringBuilder sb = new StringBuilder("operand ").append(operand).append(": string ");
    GoFormat.quote(sb, s, false);
    return BuiltinException.failure(sb.append(" is not a valid SemVer").toString());
  }
}
