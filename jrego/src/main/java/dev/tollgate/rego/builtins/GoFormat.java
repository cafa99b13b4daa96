package dev.tollgate.rego.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Go's {@code fmt.Sprintf} for the argument types OPA passes it: {@link Long} (Go int),
 * {@link BigInteger} (*big.Int), {@link Double} (float64) and {@link String}. Covers flags
 * ({@code + - # 0 space}), width, precision, {@code *} and {@code [n]} argument indexes, the
 * verbs {@code v T d b o O x X c q U e E f F g G s}, and Go's error notations
 * ({@code %!d(string=x)}, {@code %!v(MISSING)}, {@code %!(EXTRA ...)}, ...).
 */
final class GoFormat {
  private static final String LOWER = "0123456789abcdefx";
  private static final String UPPER = "0123456789ABCDEFX";

  private final StringBuilder buf = new StringBuilder();
  // Per-verb state, as in Go's fmt.fmt.
  private boolean plus;
  private boolean minus;
  private boolean sharp;
  private boolean space;
  private boolean zero;
  private boolean plusV;
  private boolean sharpV;
  private boolean widPresent;
  private boolean precPresent;
  private int wid;
  private int prec;
  // Argument state, as in Go's fmt.pp.
  private int argNum;
  private boolean afterIndex;
  private boolean reordered;
  private boolean goodArgNum;

  private GoFormat() {}

  /** A value of a named Go string type (json.Number, or a map printed as text) for %T. */
  record Named(String typeName, String text) {}

  static String sprintf(String format, Object... args) {
    GoFormat f = new GoFormat();
    f.doPrintf(format, args);
    return f.buf.toString();
  }

  private void clearFlags() {
    plus = minus = sharp = space = zero = plusV = sharpV = widPresent = precPresent = false;
    wid = prec = 0;
  }

  private void doPrintf(String format, Object[] a) {
    int end = format.length();
    argNum = 0;
    reordered = false;
    int i = 0;
    while (i < end) {
      goodArgNum = true;
      int lasti = i;
      while (i < end && format.charAt(i) != '%') {
        i++;
      }
      if (i > lasti) {
        buf.append(format, lasti, i);
      }
      if (i >= end) {
        break;
      }
      i++; // skip %
      clearFlags();
      flags:
      for (; i < end; i++) {
        switch (format.charAt(i)) {
          case '#' -> sharp = true;
          case '0' -> zero = !minus;
          case '+' -> plus = true;
          case '-' -> {
            minus = true;
            zero = false;
          }
          case ' ' -> space = true;
          default -> {
            break flags;
          }
        }
      }
      // Argument index.
      i = argNumber(format, i, a.length);
      // Width.
      if (i < end && format.charAt(i) == '*') {
        i++;
        Integer w = intFromArg(a, argNum);
        if (w == null) {
          buf.append("%!(BADWIDTH)");
        } else {
          wid = w;
          widPresent = true;
          if (wid < 0) {
            wid = -wid;
            minus = true;
            zero = false;
          }
        }
        argNum++;
        afterIndex = false;
      } else {
        int[] n = parseNum(format, i, end);
        wid = n[0];
        widPresent = n[1] != 0;
        i = n[2];
        if (afterIndex && widPresent) {
          goodArgNum = false;
        }
      }
      // Precision.
      if (i < end && format.charAt(i) == '.') {
        i++;
        if (afterIndex) {
          goodArgNum = false;
        }
        i = argNumber(format, i, a.length);
        if (i < end && format.charAt(i) == '*') {
          i++;
          Integer p = intFromArg(a, argNum);
          // A negative precision makes no sense and is reported like a missing one.
          if (p == null || p < 0) {
            buf.append("%!(BADPREC)");
          } else {
            prec = p;
            precPresent = true;
          }
          argNum++;
          afterIndex = false;
        } else {
          int[] n = parseNum(format, i, end);
          prec = n[0];
          precPresent = n[1] != 0;
          i = n[2];
          if (!precPresent) {
            prec = 0;
            precPresent = true;
          }
        }
      }
      if (!afterIndex) {
        i = argNumber(format, i, a.length);
      }
      if (i >= end) {
        buf.append("%!(NOVERB)");
        break;
      }
      int verb = format.codePointAt(i);
      i += Character.charCount(verb);
      if (verb == '%') {
        buf.append('%');
      } else if (!goodArgNum) {
        badArgNum(verb);
      } else if (argNum >= a.length) {
        buf.append("%!").appendCodePoint(verb).append("(MISSING)");
      } else {
        if (verb == 'v') {
          sharpV = sharp;
          sharp = false;
          plusV = plus;
          plus = false;
        }
        printArg(a[argNum], verb);
        argNum++;
      }
    }
    if (!reordered && argNum < a.length) {
      clearFlags();
      buf.append("%!(EXTRA ");
      for (int k = argNum; k < a.length; k++) {
        if (k > argNum) {
          buf.append(", ");
        }
        if (a[k] == null) {
          buf.append("<nil>");
          continue;
        }
        buf.append(typeName(a[k])).append('=');
        printArg(a[k], 'v');
      }
      buf.append(')');
    }
  }

  private void badArgNum(int verb) {
    buf.append("%!").appendCodePoint(verb).append("(BADINDEX)");
  }

  /**
   * Go's pp.argNumber: reads an optional {@code [n]} at {@code i} into the argument state and
   * returns the index after it.
   */
  private int argNumber(String format, int i, int numArgs) {
    if (format.length() <= i || format.charAt(i) != '[') {
      afterIndex = false;
      return i;
    }
    reordered = true;
    for (int j = i + 1; j < format.length(); j++) {
      if (format.charAt(j) == ']') {
        int[] n = parseNum(format, i + 1, j);
        afterIndex = true;
        int index = n[0] - 1;
        // Bad syntax or an index out of range: skip past the bracket.
        if (n[1] == 0 || n[2] != j || index < 0 || index >= numArgs) {
          goodArgNum = false;
        } else {
          argNum = index;
        }
        return j + 1;
      }
    }
    afterIndex = false;
    goodArgNum = false;
    return i + 1;
  }

  /** Returns {value, present, newIndex}; values over a million are rejected as in Go. */
  private static int[] parseNum(String s, int start, int end) {
    if (start >= end) {
      return new int[] {0, 0, start};
    }
    int num = 0;
    boolean present = false;
    int i = start;
    for (; i < end && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
      if (num > 1_000_000) {
        return new int[] {0, 0, end};
      }
      num = num * 10 + (s.charAt(i) - '0');
      present = true;
    }
    return new int[] {num, present ? 1 : 0, i};
  }

  private static Integer intFromArg(Object[] a, int argNum) {
    if (argNum < a.length && a[argNum] instanceof Long l) {
      if (l > 1_000_000 || l < -1_000_000) {
        return null;
      }
      return l.intValue();
    }
    return null;
  }

  static String typeName(Object arg) {
    return switch (arg) {
      case null -> "<nil>";
      case Named n -> n.typeName();
      case Boolean b -> "bool";
      case Long l -> "int";
      case BigInteger b -> "*big.Int";
      case Double d -> "float64";
      default -> "string";
    };
  }

  private void printArg(Object arg, int verb) {
    if (verb == 'T') {
      fmtS(typeName(arg));
      return;
    }
    if (verb == 'p') {
      badVerb(verb, arg);
      return;
    }
    switch (arg) {
      case null -> {
        if (verb == 'v') {
          pad("<nil>");
        } else {
          buf.append("%!").appendCodePoint(verb).append("(<nil>)");
        }
      }
      case Named n -> printString(n.text(), verb, arg);
      case Boolean b -> {
        if (verb == 't' || verb == 'v') {
          pad(b.toString());
        } else {
          badVerb(verb, arg);
        }
      }
      case Long l -> printInteger(l, verb, arg);
      case BigInteger b -> printBigInt(b, verb);
      case Double d -> printFloat(d, verb, arg);
      case String s -> printString(s, verb, arg);
      default -> throw new IllegalArgumentException("unsupported argument " + arg);
    }
  }

  private void badVerb(int verb, Object arg) {
    buf.append("%!").appendCodePoint(verb).append('(').append(typeName(arg)).append('=');
    printArg(arg, 'v');
    buf.append(')');
  }

  // ---- padding ----

  private void writePadding(int n) {
    if (n <= 0) {
      return;
    }
    char c = zero ? '0' : ' ';
    buf.repeat(c, n);
  }

  private void pad(String s) {
    if (!widPresent || wid == 0) {
      buf.append(s);
      return;
    }
    int width = wid - s.codePointCount(0, s.length());
    if (!minus) {
      writePadding(width);
      buf.append(s);
    } else {
      buf.append(s);
      writePadding(width);
    }
  }

  // ---- integers ----

  private void printInteger(long v, int verb, Object arg) {
    switch (verb) {
      case 'v', 'd' -> fmtInteger(BigInteger.valueOf(v), 10, verb, LOWER);
      case 'b' -> fmtInteger(BigInteger.valueOf(v), 2, verb, LOWER);
      case 'o', 'O' -> fmtInteger(BigInteger.valueOf(v), 8, verb, LOWER);
      case 'x' -> fmtInteger(BigInteger.valueOf(v), 16, verb, LOWER);
      case 'X' -> fmtInteger(BigInteger.valueOf(v), 16, verb, UPPER);
      case 'c' -> pad(new String(Character.toChars(validRune(v))));
      case 'q' -> fmtQc(v);
      case 'U' -> fmtUnicode(v);
      default -> badVerb(verb, arg);
    }
  }

  private static int validRune(long v) {
    if (v < 0 || v > Character.MAX_CODE_POINT || (v >= 0xD800 && v <= 0xDFFF)) {
      return 0xFFFD;
    }
    return (int) v;
  }

  private void fmtInteger(BigInteger v, int base, int verb, String digits) {
    boolean negative = v.signum() < 0;
    BigInteger u = v.abs();
    int precision = 0;
    if (precPresent) {
      precision = prec;
      if (precision == 0 && u.signum() == 0) {
        boolean oldZero = zero;
        zero = false;
        writePadding(wid);
        zero = oldZero;
        return;
      }
    } else if (zero && !minus && widPresent) {
      precision = wid;
      if (negative || plus || space) {
        precision--;
      }
    }
    String d = u.toString(base);
    if (digits.equals(UPPER)) {
      d = d.toUpperCase(java.util.Locale.ROOT);
    }
    StringBuilder sb = new StringBuilder();
    if (d.length() < precision) {
      sb.repeat('0', precision - d.length());
    }
    sb.append(d);
    if (sharp) {
      switch (base) {
        case 2 -> sb.insert(0, "0b");
        case 8 -> {
          if (sb.charAt(0) != '0') {
            sb.insert(0, '0');
          }
        }
        case 16 -> sb.insert(0, "0" + digits.charAt(16));
        default -> {}
      }
    }
    if (verb == 'O') {
      sb.insert(0, "0o");
    }
    if (negative) {
      sb.insert(0, '-');
    } else if (plus) {
      sb.insert(0, '+');
    } else if (space) {
      sb.insert(0, ' ');
    }
    boolean oldZero = zero;
    zero = false;
    pad(sb.toString());
    zero = oldZero;
  }

  private void fmtQc(long v) {
    StringBuilder sb = new StringBuilder();
    int r = validRune(v);
    sb.append('\'');
    escapeRune(sb, r, '\'', plus);
    sb.append('\'');
    pad(sb.toString());
  }

  private void fmtUnicode(long v) {
    StringBuilder sb = new StringBuilder("U+");
    // Go formats the operand as an unsigned 64-bit value.
    String hex = Long.toUnsignedString(v, 16).toUpperCase(java.util.Locale.ROOT);
    int precision = precPresent && prec > 4 ? prec : 4;
    if (hex.length() < precision) {
      sb.repeat('0', precision - hex.length());
    }
    sb.append(hex);
    if (sharp && v >= 0 && v <= Character.MAX_CODE_POINT && isPrint((int) v)) {
      sb.append(" '").appendCodePoint((int) v).append('\'');
    }
    boolean oldZero = zero;
    zero = false;
    pad(sb.toString());
    zero = oldZero;
  }

  // ---- big integers (big.Int's own Format method) ----

  private void printBigInt(BigInteger x, int verb) {
    int base;
    switch (verb) {
      case 'b' -> base = 2;
      case 'o', 'O' -> base = 8;
      case 'd', 's', 'v' -> base = 10;
      case 'x', 'X' -> base = 16;
      default -> {
        buf.append("%!").appendCodePoint(verb).append("(big.Int=").append(x).append(')');
        return;
      }
    }
    String sign = "";
    if (x.signum() < 0) {
      sign = "-";
    } else if (plus || plusV) {
      sign = "+";
    } else if (space) {
      sign = " ";
    }
    String prefix = "";
    if (sharp || sharpV) {
      prefix = switch (verb) {
        case 'b' -> "0b";
        case 'o' -> "0";
        case 'x' -> "0x";
        case 'X' -> "0X";
        default -> "";
      };
    }
    if (verb == 'O') {
      prefix = "0o";
    }
    String digits = x.abs().toString(base);
    if (verb == 'X') {
      digits = digits.toUpperCase(java.util.Locale.ROOT);
    }
    int left = 0;
    int zeros = 0;
    int right = 0;
    if (precPresent) {
      if (digits.length() < prec) {
        zeros = prec - digits.length();
      } else if (digits.equals("0") && prec == 0) {
        return;
      }
    }
    int length = sign.length() + prefix.length() + zeros + digits.length();
    if (widPresent && length < wid) {
      int d = wid - length;
      if (minus) {
        right = d;
      } else if (zero && !precPresent) {
        zeros = d;
      } else {
        left = d;
      }
    }
    buf.repeat(' ', left).append(sign).append(prefix).repeat('0', zeros).append(digits);
    buf.repeat(' ', right);
  }

  // ---- floats ----

  private void printFloat(double v, int verb, Object arg) {
    switch (verb) {
      case 'v' -> fmtFloat(v, 'g', -1);
      case 'b', 'g', 'G', 'x', 'X' -> fmtFloat(v, verb, -1);
      case 'f', 'e', 'E', 'F' -> fmtFloat(v, verb, 6);
      default -> badVerb(verb, arg);
    }
  }

  private void fmtFloat(double v, int verb, int precision) {
    if (precPresent) {
      precision = prec;
    }
    String num = formatFloat(v, verb, precision);
    if (num.charAt(0) != '-' && num.charAt(0) != '+') {
      num = "+" + num;
    }
    if (space && num.charAt(0) == '+' && !plus) {
      num = " " + num.substring(1);
    }
    if (sharp && verb != 'b') {
      num = sharpFloat(num, verb, precision);
    }
    if (plus || num.charAt(0) != '+') {
      if (zero && !minus && widPresent && wid > num.length()) {
        buf.append(num.charAt(0));
        writePadding(wid - num.length());
        buf.append(num, 1, num.length());
        return;
      }
      pad(num);
      return;
    }
    pad(num.substring(1));
  }

  /** The {@code #} flag: keep a decimal point and, for %g, trailing zeros. */
  private static String sharpFloat(String num, int verb, int precision) {
    int digits = 0;
    switch (verb) {
      case 'v', 'g', 'G', 'x' -> {
        digits = precision;
        if (digits == -1) {
          digits = 6;
        }
      }
      default -> {}
    }
    StringBuilder tail = new StringBuilder();
    int expIdx = -1;
    for (int i = 1; i < num.length(); i++) {
      char c = num.charAt(i);
      boolean hexDigit = (verb == 'x' || verb == 'X') && (c == 'e' || c == 'E');
      if (!hexDigit && (c == 'e' || c == 'E' || c == 'p' || c == 'P')) {
        expIdx = i;
        break;
      }
    }
    String body = expIdx < 0 ? num : num.substring(0, expIdx);
    if (expIdx >= 0) {
      tail.append(num, expIdx, num.length());
    }
    boolean sawNonzeroDigit = false;
    boolean hasPoint = false;
    for (int i = 1; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '.') {
        hasPoint = true;
      } else {
        // Go counts every other character here, the 'x' of a hex prefix included.
        if (c != '0') {
          sawNonzeroDigit = true;
        }
        if (sawNonzeroDigit) {
          digits--;
        }
      }
    }
    StringBuilder sb = new StringBuilder(body);
    if (!hasPoint) {
      if (body.length() == 2 && body.charAt(1) == '0') {
        digits--;
      }
      sb.append('.');
    }
    while (digits > 0) {
      sb.append('0');
      digits--;
    }
    return sb.append(tail).toString();
  }

  /** strconv.FormatFloat(v, verb, precision, 64). */
  static String formatFloat(double v, int verb, int precision) {
    boolean neg = v < 0 || (v == 0 && 1 / v < 0);
    double abs = Math.abs(v);
    if (verb == 'x' || verb == 'X' || verb == 'b') {
      return (neg ? "-" : "") + hexFloat(abs, verb, precision);
    }
    boolean shortest = precision < 0;
    Decimal d;
    if (shortest) {
      d = Decimal.shortest(abs);
      switch (verb) {
        case 'e', 'E' -> precision = Math.max(d.nd() - 1, 0);
        case 'f', 'F' -> precision = Math.max(d.nd() - d.dp, 0);
        default -> precision = d.nd();
      }
    } else {
      switch (verb) {
        case 'e', 'E' -> d = Decimal.significant(abs, precision + 1);
        case 'f', 'F' -> d = Decimal.fixed(abs, precision);
        default -> {
          if (precision == 0) {
            precision = 1;
          }
          d = Decimal.significant(abs, precision);
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    if (neg) {
      sb.append('-');
    }
    switch (verb) {
      case 'e', 'E' -> fmtE(sb, d, precision, (char) verb);
      case 'f', 'F' -> fmtF(sb, d, precision);
      default -> {
        int eprec = precision;
        if (eprec > d.nd() && d.nd() >= d.dp) {
          eprec = d.nd();
        }
        if (shortest) {
          eprec = 6;
        }
        int exp = d.dp - 1;
        if (exp < -4 || exp >= eprec) {
          if (precision > d.nd()) {
            precision = d.nd();
          }
          fmtE(sb, d, precision - 1, verb == 'G' ? 'E' : 'e');
        } else {
          if (precision > d.dp) {
            precision = d.nd();
          }
          fmtF(sb, d, Math.max(precision - d.dp, 0));
        }
      }
    }
    return sb.toString();
  }

  private static void fmtE(StringBuilder sb, Decimal d, int precision, char e) {
    sb.append(d.nd() == 0 ? '0' : d.digits.charAt(0));
    if (precision > 0) {
      sb.append('.');
      int i = 1;
      int m = Math.min(d.nd(), precision + 1);
      if (i < m) {
        sb.append(d.digits, i, m);
        i = m;
      }
      for (; i <= precision; i++) {
        sb.append('0');
      }
    }
    sb.append(e);
    int exp = d.dp - 1;
    if (d.nd() == 0) {
      exp = 0;
    }
    char sign = '+';
    if (exp < 0) {
      sign = '-';
      exp = -exp;
    }
    sb.append(sign);
    if (exp < 10) {
      sb.append('0').append(exp);
    } else {
      sb.append(exp);
    }
  }

  private static void fmtF(StringBuilder sb, Decimal d, int precision) {
    if (d.dp > 0) {
      int m = Math.min(d.nd(), d.dp);
      sb.append(d.digits, 0, m);
      for (; m < d.dp; m++) {
        sb.append('0');
      }
    } else {
      sb.append('0');
    }
    if (precision > 0) {
      sb.append('.');
      for (int i = 1; i <= precision; i++) {
        int j = d.dp + i - 1;
        sb.append(j >= 0 && j < d.nd() ? d.digits.charAt(j) : '0');
      }
    }
  }

  /** %x and %b on a float, as strconv writes them. */
  private static String hexFloat(double abs, int verb, int precision) {
    long bits = Double.doubleToRawLongBits(abs);
    int exp = (int) ((bits >>> 52) & 0x7FF);
    long mant = bits & ((1L << 52) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= 1L << 52;
    }
    exp -= 1023;
    if (verb == 'b') {
      exp -= 52;
      return mant + "p" + (exp >= 0 ? "+" : "") + exp;
    }
    String digits = verb == 'X' ? UPPER : LOWER;
    if (mant == 0) {
      exp = 0;
    }
    mant <<= 8;
    while (mant != 0 && (mant & (1L << 60)) == 0) {
      mant <<= 1;
      exp--;
    }
    if (precision >= 0 && precision < 15) {
      int shift = precision * 4;
      long extra = (mant << shift) & ((1L << 60) - 1);
      mant >>>= 60 - shift;
      if (Long.compareUnsigned(extra | (mant & 1), 1L << 59) > 0) {
        mant++;
      }
      mant <<= 60 - shift;
      if ((mant & (1L << 61)) != 0) {
        mant >>>= 1;
        exp++;
      }
    }
    StringBuilder sb = new StringBuilder("0").append(verb == 'X' ? 'X' : 'x');
    sb.append((char) ('0' + ((mant >>> 60) & 1)));
    mant <<= 4;
    if (precision < 0 && mant != 0) {
      sb.append('.');
      while (mant != 0) {
        sb.append(digits.charAt((int) ((mant >>> 60) & 15)));
        mant <<= 4;
      }
    } else if (precision > 0) {
      sb.append('.');
      for (int i = 0; i < precision; i++) {
        sb.append(digits.charAt((int) ((mant >>> 60) & 15)));
        mant <<= 4;
      }
    }
    sb.append(verb == 'X' ? 'P' : 'p').append(exp >= 0 ? '+' : '-');
    int e = Math.abs(exp);
    if (e < 10) {
      sb.append('0');
    }
    return sb.append(e).toString();
  }

  /** Decimal digits (no leading or trailing zeros) and the decimal point position. */
  record Decimal(String digits, int dp) {
    int nd() {
      return digits.length();
    }

    static Decimal of(BigDecimal v) {
      if (v.signum() == 0) {
        return new Decimal("", 0);
      }
      BigDecimal s = v.stripTrailingZeros();
      String digits = s.unscaledValue().toString();
      return new Decimal(digits, digits.length() - s.scale());
    }

    static Decimal shortest(double v) {
      if (v == 0) {
        return new Decimal("", 0);
      }
      Decimal d = of(new BigDecimal(Double.toString(v)));
      if (d.nd() == 2) {
        // Java writes at least two digits; Go's shortest form may need only one (5e-324).
        BigDecimal one = new BigDecimal(v).round(new MathContext(1, RoundingMode.HALF_EVEN));
        if (Double.parseDouble(one.toString()) == v) {
          return of(one);
        }
      }
      return d;
    }

    static Decimal significant(double v, int n) {
      if (v == 0) {
        return new Decimal("", 0);
      }
      return of(new BigDecimal(v).round(new MathContext(n, RoundingMode.HALF_EVEN)));
    }

    static Decimal fixed(double v, int decimals) {
      return of(new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN));
    }
  }

  // ---- strings ----

  private void printString(String s, int verb, Object arg) {
    switch (verb) {
      case 'v' -> {
        if (sharpV) {
          fmtQ(s);
        } else {
          fmtS(s);
        }
      }
      case 's' -> fmtS(s);
      case 'x' -> fmtSx(s, LOWER);
      case 'X' -> fmtSx(s, UPPER);
      case 'q' -> fmtQ(s);
      default -> badVerb(verb, arg);
    }
  }

  private String truncate(String s) {
    if (precPresent && s.codePointCount(0, s.length()) > prec) {
      return s.substring(0, s.offsetByCodePoints(0, prec));
    }
    return s;
  }

  private void fmtS(String s) {
    pad(truncate(s));
  }

  private void fmtSx(String s, String digits) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int length = b.length;
    if (precPresent && prec < length) {
      length = prec;
    }
    int width = 2 * length;
    if (width > 0) {
      if (space) {
        if (sharp) {
          width *= 2;
        }
        width += length - 1;
      } else if (sharp) {
        width += 2;
      }
    } else {
      if (widPresent) {
        writePadding(wid);
      }
      return;
    }
    if (widPresent && wid > width && !minus) {
      writePadding(wid - width);
    }
    if (sharp) {
      buf.append('0').append(digits.charAt(16));
    }
    for (int i = 0; i < length; i++) {
      if (space && i > 0) {
        buf.append(' ');
        if (sharp) {
          buf.append('0').append(digits.charAt(16));
        }
      }
      int c = b[i] & 0xFF;
      buf.append(digits.charAt(c >> 4)).append(digits.charAt(c & 0xF));
    }
    if (widPresent && wid > width && minus) {
      writePadding(wid - width);
    }
  }

  private void fmtQ(String s) {
    s = truncate(s);
    if (sharp && canBackquote(s)) {
      pad("`" + s + "`");
      return;
    }
    StringBuilder sb = new StringBuilder();
    quote(sb, s, plus);
    pad(sb.toString());
  }

  private static boolean canBackquote(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '`' || cp == 0xFEFF || cp == 0xFFFD) {
        return false;
      }
      if (cp < ' ' && cp != '\t') {
        return false;
      }
      if (cp == 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** Go's strconv.Quote. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    quote(sb, s, false);
    return sb.toString();
  }

  /** Go's strconv.Quote (or QuoteToASCII when {@code ascii}). */
  static void quote(StringBuilder sb, String s, boolean ascii) {
    sb.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0xD800 && cp <= 0xDFFF) {
        cp = 0xFFFD;
      }
      escapeRune(sb, cp, '"', ascii);
    }
    sb.append('"');
  }

  private static void escapeRune(StringBuilder sb, int r, char quote, boolean ascii) {
    if (r == quote || r == '\\') {
      sb.append('\\').appendCodePoint(r);
      return;
    }
    if (ascii ? (r < 0x80 && isPrint(r)) : isPrint(r)) {
      sb.appendCodePoint(r);
      return;
    }
    switch (r) {
      case 7 -> sb.append("\\a");
      case '\b' -> sb.append("\\b");
      case '\f' -> sb.append("\\f");
      case '\n' -> sb.append("\\n");
      case '\r' -> sb.append("\\r");
      case '\t' -> sb.append("\\t");
      case 11 -> sb.append("\\v");
      default -> {
        if (r < ' ' || r == 0x7F) {
          sb.append("\\x").append(LOWER.charAt(r >> 4)).append(LOWER.charAt(r & 0xF));
        } else if (r < 0x10000) {
          sb.append("\\u");
          hex(sb, r, 4);
        } else {
          sb.append("\\U");
          hex(sb, r, 8);
        }
      }
    }
  }

  private static void hex(StringBuilder sb, int v, int width) {
    for (int s = (width - 1) * 4; s >= 0; s -= 4) {
      sb.append(LOWER.charAt((v >> s) & 0xF));
    }
  }

  /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
  static boolean isPrint(int r) {
    if (r < 0x80) {
      return r >= 0x20 && r < 0x7F;
    }
    return switch (Character.getType(r)) {
      case Character.UNASSIGNED,
          Character.CONTROL,
          Character.FORMAT,
          Character.PRIVATE_USE,
          Character.SURROGATE,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }
}
