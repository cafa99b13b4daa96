package dev.tollgate.rego.builtins;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Go's time layouts ("reference time" {@code Mon Jan 2 15:04:05 MST 2006}) and durations, with
 * Go's parsing rules and error texts, so that Rego's time built-ins read and write exactly what
 * OPA does.
 */
final class GoTime {
  private GoTime() {}

  /** The named layouts OPA accepts in place of a layout string. */
  static final Map<String, String> NAMED_LAYOUTS =
      Map.of(
          "ANSIC", "Mon Jan _2 15:04:05 2006",
          "UnixDate", "Mon Jan _2 15:04:05 MST 2006",
          "RubyDate", "Mon Jan 02 15:04:05 -0700 2006",
          "RFC822", "02 Jan 06 15:04 MST",
          "RFC822Z", "02 Jan 06 15:04 -0700",
          "RFC850", "Monday, 02-Jan-06 15:04:05 MST",
          "RFC1123", "Mon, 02 Jan 2006 15:04:05 MST",
          "RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700",
          "RFC3339", "2006-01-02T15:04:05Z07:00",
          "RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00");

  static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
  static final String RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00";

  private static final String[] LONG_MONTHS = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"
  };
  private static final String[] SHORT_MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  /** Sunday first, as Go numbers weekdays. */
  static final String[] LONG_DAYS = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
  };
  private static final String[] SHORT_DAYS = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

  /** Layout element kinds. */
  private enum Std {
    NONE,
    LONG_MONTH,
    MONTH,
    NUM_MONTH,
    ZERO_MONTH,
    LONG_WEEKDAY,
    WEEKDAY,
    DAY,
    UNDER_DAY,
    ZERO_DAY,
    UNDER_YEAR_DAY,
    ZERO_YEAR_DAY,
    HOUR,
    HOUR12,
    ZERO_HOUR12,
    MINUTE,
    ZERO_MINUTE,
    SECOND,
    ZERO_SECOND,
    LONG_YEAR,
    YEAR,
    PM,
    LOWER_PM,
    TZ,
    ISO8601_TZ,
    ISO8601_SECONDS_TZ,
    ISO8601_SHORT_TZ,
    ISO8601_COLON_TZ,
    ISO8601_COLON_SECONDS_TZ,
    NUM_TZ,
    NUM_SECONDS_TZ,
    NUM_SHORT_TZ,
    NUM_COLON_TZ,
    NUM_COLON_SECONDS_TZ,
    FRAC_SECOND0,
    FRAC_SECOND9
  }

  /**
   * One step through a layout: literal text, then an element (NONE at the end), then the rest.
   * For fractional seconds, {@code digits} and {@code separator} describe the element.
   */
  private record Chunk(String prefix, Std std, String suffix, int digits, char separator) {
    String element(String layout) {
      return layout.substring(prefix.length(), layout.length() - suffix.length());
    }
  }

  private static Chunk chunk(String layout, int i, Std std, int len) {
    return new Chunk(layout.substring(0, i), std, layout.substring(i + len), 0, '.');
  }

  private static boolean startsWithLowerCase(String s, int i) {
    if (i >= s.length()) {
      return false;
    }
    char c = s.charAt(i);
    return 'a' <= c && c <= 'z';
  }

  private static boolean isDigit(String s, int i) {
    if (i >= s.length()) {
      return false;
    }
    char c = s.charAt(i);
    return '0' <= c && c <= '9';
  }

  private static boolean at(String s, int i, String what) {
    return s.startsWith(what, i);
  }

  private static final Std[] STD_0X = {
    Std.ZERO_MONTH, Std.ZERO_DAY, Std.ZERO_HOUR12, Std.ZERO_MINUTE, Std.ZERO_SECOND, Std.YEAR
  };

  /** Finds the first layout element, as Go's time package does. */
  private static Chunk nextChunk(String layout) {
    int n = layout.length();
    for (int i = 0; i < n; i++) {
      char c = layout.charAt(i);
      switch (c) {
        case 'J' -> {
          if (at(layout, i, "Jan")) {
            if (at(layout, i, "January")) {
              return chunk(layout, i, Std.LONG_MONTH, 7);
            }
            if (!startsWithLowerCase(layout, i + 3)) {
              return chunk(layout, i, Std.MONTH, 3);
            }
          }
        }
        case 'M' -> {
          if (at(layout, i, "Mon")) {
            if (at(layout, i, "Monday")) {
              return chunk(layout, i, Std.LONG_WEEKDAY, 6);
            }
            if (!startsWithLowerCase(layout, i + 3)) {
              return chunk(layout, i, Std.WEEKDAY, 3);
            }
          }
          if (at(layout, i, "MST")) {
            return chunk(layout, i, Std.TZ, 3);
          }
        }
        case '0' -> {
          if (i + 1 < n && layout.charAt(i + 1) >= '1' && layout.charAt(i + 1) <= '6') {
            return chunk(layout, i, STD_0X[layout.charAt(i + 1) - '1'], 2);
          }
          if (at(layout, i, "002")) {
            return chunk(layout, i, Std.ZERO_YEAR_DAY, 3);
          }
        }
        case '1' -> {
          if (i + 1 < n && layout.charAt(i + 1) == '5') {
            return chunk(layout, i, Std.HOUR, 2);
          }
          return chunk(layout, i, Std.NUM_MONTH, 1);
        }
        case '2' -> {
          if (at(layout, i, "2006")) {
            return chunk(layout, i, Std.LONG_YEAR, 4);
          }
          return chunk(layout, i, Std.DAY, 1);
        }
        case '_' -> {
          if (i + 1 < n && layout.charAt(i + 1) == '2') {
            // "_2006" is a literal underscore followed by a long year.
            if (at(layout, i + 1, "2006")) {
              return chunk(layout, i + 1, Std.LONG_YEAR, 4);
            }
            return chunk(layout, i, Std.UNDER_DAY, 2);
          }
          if (at(layout, i, "__2")) {
            return chunk(layout, i, Std.UNDER_YEAR_DAY, 3);
          }
        }
        case '3' -> {
          return chunk(layout, i, Std.HOUR12, 1);
        }
        case '4' -> {
          return chunk(layout, i, Std.MINUTE, 1);
        }
        case '5' -> {
          return chunk(layout, i, Std.SECOND, 1);
        }
        case 'P' -> {
          if (i + 1 < n && layout.charAt(i + 1) == 'M') {
            return chunk(layout, i, Std.PM, 2);
          }
        }
        case 'p' -> {
          if (i + 1 < n && layout.charAt(i + 1) == 'm') {
            return chunk(layout, i, Std.LOWER_PM, 2);
          }
        }
        case '-' -> {
          if (at(layout, i, "-070000")) {
            return chunk(layout, i, Std.NUM_SECONDS_TZ, 7);
          }
          if (at(layout, i, "-07:00:00")) {
            return chunk(layout, i, Std.NUM_COLON_SECONDS_TZ, 9);
          }
          if (at(layout, i, "-0700")) {
            return chunk(layout, i, Std.NUM_TZ, 5);
          }
          if (at(layout, i, "-07:00")) {
            return chunk(layout, i, Std.NUM_COLON_TZ, 6);
          }
          if (at(layout, i, "-07")) {
            return chunk(layout, i, Std.NUM_SHORT_TZ, 3);
          }
        }
        case 'Z' -> {
          if (at(layout, i, "Z070000")) {
            return chunk(layout, i, Std.ISO8601_SECONDS_TZ, 7);
          }
          if (at(layout, i, "Z07:00:00")) {
            return chunk(layout, i, Std.ISO8601_COLON_SECONDS_TZ, 9);
          }
          if (at(layout, i, "Z0700")) {
            return chunk(layout, i, Std.ISO8601_TZ, 5);
          }
          if (at(layout, i, "Z07:00")) {
            return chunk(layout, i, Std.ISO8601_COLON_TZ, 6);
          }
          if (at(layout, i, "Z07")) {
            return chunk(layout, i, Std.ISO8601_SHORT_TZ, 3);
          }
        }
        case '.', ',' -> {
          if (i + 1 < n && (layout.charAt(i + 1) == '0' || layout.charAt(i + 1) == '9')) {
            char digit = layout.charAt(i + 1);
            int j = i + 1;
            while (j < n && layout.charAt(j) == digit) {
              j++;
            }
            // Only a fractional second when the run of digits is not followed by another digit.
            if (!isDigit(layout, j)) {
              Std std = digit == '0' ? Std.FRAC_SECOND0 : Std.FRAC_SECOND9;
              return new Chunk(layout.substring(0, i), std, layout.substring(j), j - (i + 1), c);
            }
          }
        }
        default -> {}
      }
    }
    return new Chunk(layout, Std.NONE, "", 0, '.');
  }

  // ---------------------------------------------------------------------------------------
  // Formatting

  /** Formats {@code t} with a Go layout, as Go's {@code Time.Format}. */
  static String format(ZonedDateTime t, String layout) {
    StringBuilder b = new StringBuilder(layout.length() + 10);
    int offset = t.getOffset().getTotalSeconds();
    String rest = layout;
    while (!rest.isEmpty()) {
      Chunk ch = nextChunk(rest);
      b.append(ch.prefix());
      if (ch.std() == Std.NONE) {
        break;
      }
      rest = ch.suffix();
      switch (ch.std()) {
        case YEAR -> pad(b, Math.floorMod(t.getYear(), 100), 2);
        case LONG_YEAR -> pad(b, t.getYear(), 4);
        case MONTH -> b.append(SHORT_MONTHS[t.getMonthValue() - 1]);
        case LONG_MONTH -> b.append(LONG_MONTHS[t.getMonthValue() - 1]);
        case NUM_MONTH -> b.append(t.getMonthValue());
        case ZERO_MONTH -> pad(b, t.getMonthValue(), 2);
        case WEEKDAY -> b.append(SHORT_DAYS[t.getDayOfWeek().getValue() % 7]);
        case LONG_WEEKDAY -> b.append(LONG_DAYS[t.getDayOfWeek().getValue() % 7]);
        case DAY -> b.append(t.getDayOfMonth());
        case UNDER_DAY -> {
          if (t.getDayOfMonth() < 10) {
            b.append(' ');
          }
          b.append(t.getDayOfMonth());
        }
        case ZERO_DAY -> pad(b, t.getDayOfMonth(), 2);
        case UNDER_YEAR_DAY -> {
          int yday = t.getDayOfYear();
          if (yday < 100) {
            b.append(' ');
            if (yday < 10) {
              b.append(' ');
            }
          }
          b.append(yday);
        }
        case ZERO_YEAR_DAY -> pad(b, t.getDayOfYear(), 3);
        case HOUR -> pad(b, t.getHour(), 2);
        case HOUR12 -> b.append(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
        case ZERO_HOUR12 -> pad(b, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2);
        case MINUTE -> b.append(t.getMinute());
        case ZERO_MINUTE -> pad(b, t.getMinute(), 2);
        case SECOND -> b.append(t.getSecond());
        case ZERO_SECOND -> pad(b, t.getSecond(), 2);
        case PM -> b.append(t.getHour() >= 12 ? "PM" : "AM");
        case LOWER_PM -> b.append(t.getHour() >= 12 ? "pm" : "am");
        case ISO8601_TZ,
            ISO8601_COLON_TZ,
            ISO8601_SECONDS_TZ,
            ISO8601_SHORT_TZ,
            ISO8601_COLON_SECONDS_TZ,
            NUM_TZ,
            NUM_COLON_TZ,
            NUM_SECONDS_TZ,
            NUM_SHORT_TZ,
            NUM_COLON_SECONDS_TZ ->
            formatOffset(b, ch.std(), offset);
        case TZ -> {
          String name = zoneAbbreviation(t);
          if (name != null) {
            b.append(name);
          } else {
            int zone = offset / 60;
            if (zone < 0) {
              b.append('-');
              zone = -zone;
            } else {
              b.append('+');
            }
            pad(b, zone / 60, 2);
            pad(b, zone % 60, 2);
          }
        }
        case FRAC_SECOND0, FRAC_SECOND9 -> formatFraction(b, t.getNano(), ch);
        default -> throw new IllegalStateException(ch.std().name());
      }
    }
    return b.toString();
  }

  private static void formatOffset(StringBuilder b, Std std, int offset) {
    boolean iso =
        std == Std.ISO8601_TZ
            || std == Std.ISO8601_COLON_TZ
            || std == Std.ISO8601_SECONDS_TZ
            || std == Std.ISO8601_SHORT_TZ
            || std == Std.ISO8601_COLON_SECONDS_TZ;
    if (iso && offset == 0) {
      b.append('Z');
      return;
    }
    int zone = offset / 60;
    int abs = offset;
    if (zone < 0) {
      b.append('-');
      zone = -zone;
      abs = -abs;
    } else {
      b.append('+');
    }
    pad(b, zone / 60, 2);
    boolean colon =
        std == Std.ISO8601_COLON_TZ
            || std == Std.NUM_COLON_TZ
            || std == Std.ISO8601_COLON_SECONDS_TZ
            || std == Std.NUM_COLON_SECONDS_TZ;
    if (colon) {
      b.append(':');
    }
    if (std != Std.NUM_SHORT_TZ && std != Std.ISO8601_SHORT_TZ) {
      pad(b, zone % 60, 2);
    }
    if (std == Std.ISO8601_SECONDS_TZ
        || std == Std.NUM_SECONDS_TZ
        || std == Std.NUM_COLON_SECONDS_TZ
        || std == Std.ISO8601_COLON_SECONDS_TZ) {
      if (colon) {
        b.append(':');
      }
      pad(b, abs % 60, 2);
    }
  }

  private static void formatFraction(StringBuilder b, int nanos, Chunk ch) {
    String digits = String.format(Locale.ROOT, "%09d", nanos).substring(0, Math.min(9, ch.digits()));
    if (ch.std() == Std.FRAC_SECOND9) {
      int end = digits.length();
      while (end > 0 && digits.charAt(end - 1) == '0') {
        end--;
      }
      if (end == 0) {
        return;
      }
      digits = digits.substring(0, end);
    }
    b.append(ch.separator()).append(digits);
  }

  /**
   * Fixed-offset zones of the tz database that java.time lists only as short aliases. Their ids
   * ("UTC-05:00") are not names a policy can ask for, so they map back to the abbreviation.
   */
  static final Map<String, ZoneId> FIXED_ZONES =
      Map.of(
          "EST", ZoneId.ofOffset("UTC", ZoneOffset.ofHours(-5)),
          "MST", ZoneId.ofOffset("UTC", ZoneOffset.ofHours(-7)),
          "HST", ZoneId.ofOffset("UTC", ZoneOffset.ofHours(-10)));

  private static final DateTimeFormatter SHORT_ZONE_NAME =
      DateTimeFormatter.ofPattern("zzz", Locale.US);

  /**
   * The zone abbreviation Go would print ("UTC", "PST", "CET"), or null when a zone has none.
   * Go takes these from the tz database; where the database has no letters it uses numeric
   * names like "+04", which is what Java's "GMT+04:00" is turned into here.
   */
  private static String zoneAbbreviation(ZonedDateTime t) {
    ZoneId zone = t.getZone();
    if (zone instanceof ZoneOffset off) {
      return off.getTotalSeconds() == 0 ? "UTC" : null;
    }
    if (zone.getId().equals("UTC") || zone.getId().equals("Etc/UTC")) {
      return "UTC";
    }
    for (Map.Entry<String, ZoneId> e : FIXED_ZONES.entrySet()) {
      if (e.getValue().equals(zone)) {
        return e.getKey();
      }
    }
    String name = SHORT_ZONE_NAME.format(t);
    if (name.startsWith("GMT") && name.length() > 3) {
      int secs = t.getOffset().getTotalSeconds();
      int mins = Math.abs(secs) / 60;
      StringBuilder b = new StringBuilder().append(secs < 0 ? '-' : '+');
      pad(b, mins / 60, 2);
      if (mins % 60 != 0) {
        pad(b, mins % 60, 2);
      }
      return b.toString();
    }
    return name;
  }

  private static void pad(StringBuilder b, int value, int width) {
    if (value < 0) {
      b.append('-');
      value = -value;
    }
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    b.append(s);
  }

  // ---------------------------------------------------------------------------------------
  // Parsing

  /** A parse failure with Go's message ({@code parsing time "x" as "y": cannot parse ...}). */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message, null, false, false);
    }
  }

  /** A parsed instant: seconds since the epoch and the nanosecond of the second. */
  record Parsed(long epochSecond, int nano) {}

  private static ParseException parseError(
      String layout, String value, String layoutElem, String valueElem, String message) {
    if (message.isEmpty()) {
      return new ParseException(
          "parsing time "
              + quote(value)
              + " as "
              + quote(layout)
              + ": cannot parse "
              + quote(valueElem)
              + " as "
              + quote(layoutElem));
    }
    return new ParseException("parsing time " + quote(value) + message);
  }

  /** Thrown internally for a malformed element. */
  private static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;
    static final Bad INSTANCE = new Bad();

    private Bad() {
      super(null, null, false, false);
    }
  }

  /** Mutable cursor over the value being parsed. */
  private static final class Cursor {
    String value;

    Cursor(String value) {
      this.value = value;
    }

    int num(boolean fixed) throws Bad {
      if (!isDigit(value, 0)) {
        throw Bad.INSTANCE;
      }
      if (!isDigit(value, 1)) {
        if (fixed) {
          throw Bad.INSTANCE;
        }
        int n = value.charAt(0) - '0';
        value = value.substring(1);
        return n;
      }
      int n = (value.charAt(0) - '0') * 10 + (value.charAt(1) - '0');
      value = value.substring(2);
      return n;
    }

    int num3(boolean fixed) throws Bad {
      int n = 0;
      int i = 0;
      while (i < 3 && isDigit(value, i)) {
        n = n * 10 + (value.charAt(i) - '0');
        i++;
      }
      if (i == 0 || (fixed && i != 3)) {
        throw Bad.INSTANCE;
      }
      value = value.substring(i);
      return n;
    }

    int lookup(String[] table) throws Bad {
      for (int i = 0; i < table.length; i++) {
        String v = table[i];
        // Go matches ASCII letters case-insensitively only.
        if (value.length() >= v.length() && asciiMatch(value, v)) {
          value = value.substring(v.length());
          return i;
        }
      }
      throw Bad.INSTANCE;
    }
  }

  private static boolean asciiMatch(String value, String name) {
    for (int i = 0; i < name.length(); i++) {
      char c1 = value.charAt(i);
      char c2 = name.charAt(i);
      if (c1 != c2) {
        c1 |= 'a' - 'A';
        c2 |= 'a' - 'A';
        if (c1 != c2 || c1 < 'a' || c1 > 'z') {
          return false;
        }
      }
    }
    return true;
  }

  private static String skip(String value, String prefix) throws Bad {
    while (!prefix.isEmpty()) {
      if (prefix.charAt(0) == ' ') {
        if (!value.isEmpty() && value.charAt(0) != ' ') {
          throw Bad.INSTANCE;
        }
        prefix = cutSpace(prefix);
        value = cutSpace(value);
        continue;
      }
      if (value.isEmpty() || value.charAt(0) != prefix.charAt(0)) {
        throw Bad.INSTANCE;
      }
      prefix = prefix.substring(1);
      value = value.substring(1);
    }
    return value;
  }

  private static String cutSpace(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return s.substring(i);
  }

  private static boolean commaOrPeriod(char c) {
    return c == '.' || c == ',';
  }

  /** Parses value[1:nbytes] (value[0] is the separator) as nanoseconds. */
  private static int parseNanos(String value, int nbytes) throws Bad {
    if (!commaOrPeriod(value.charAt(0))) {
      throw Bad.INSTANCE;
    }
    if (nbytes > 10) {
      nbytes = 10;
    }
    String digits = value.substring(1, nbytes);
    long ns = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        throw Bad.INSTANCE;
      }
      ns = ns * 10 + (c - '0');
    }
    for (int i = 0; i < 10 - nbytes; i++) {
      ns *= 10;
    }
    return (int) ns;
  }

  /** Parses {@code value} with a Go layout, as Go's {@code time.Parse} (local zone = UTC). */
  static Parsed parse(String layout, String value) throws ParseException {
    final String origLayout = layout;
    final String origValue = value;
    String rangeErr = "";
    boolean amSet = false;
    boolean pmSet = false;
    int year = 0;
    int month = -1;
    int day = -1;
    int yday = -1;
    int hour = 0;
    int min = 0;
    int sec = 0;
    int nsec = 0;
    boolean utc = false;
    int zoneOffset = -1;
    String zoneName = "";

    Cursor cur = new Cursor(value);
    while (true) {
      Chunk ch = nextChunk(layout);
      String elem = ch.element(layout);
      try {
        cur.value = skip(cur.value, ch.prefix());
      } catch (Bad e) {
        throw parseError(origLayout, origValue, ch.prefix(), cur.value, "");
      }
      if (ch.std() == Std.NONE) {
        if (!cur.value.isEmpty()) {
          throw parseError(
              origLayout, origValue, "", cur.value, ": extra text: " + quote(cur.value));
        }
        break;
      }
      layout = ch.suffix();
      String hold = cur.value;
      try {
        switch (ch.std()) {
          case YEAR -> {
            if (cur.value.length() < 2) {
              throw Bad.INSTANCE;
            }
            String p = cur.value.substring(0, 2);
            year = atoi(p);
            cur.value = cur.value.substring(2);
            year += year >= 69 ? 1900 : 2000;
          }
          case LONG_YEAR -> {
            if (cur.value.length() < 4 || !isDigit(cur.value, 0)) {
              throw Bad.INSTANCE;
            }
            year = atoi(cur.value.substring(0, 4));
            cur.value = cur.value.substring(4);
          }
          case MONTH -> month = cur.lookup(SHORT_MONTHS) + 1;
          case LONG_MONTH -> month = cur.lookup(LONG_MONTHS) + 1;
          case NUM_MONTH, ZERO_MONTH -> {
            month = cur.num(ch.std() == Std.ZERO_MONTH);
            if (month <= 0 || month > 12) {
              rangeErr = "month";
            }
          }
          case WEEKDAY -> cur.lookup(SHORT_DAYS);
          case LONG_WEEKDAY -> cur.lookup(LONG_DAYS);
          case DAY, UNDER_DAY, ZERO_DAY -> {
            if (ch.std() == Std.UNDER_DAY && !cur.value.isEmpty() && cur.value.charAt(0) == ' ') {
              cur.value = cur.value.substring(1);
            }
            // Any one- or two-digit day; checked against the month once all is parsed.
            day = cur.num(ch.std() == Std.ZERO_DAY);
          }
          case UNDER_YEAR_DAY, ZERO_YEAR_DAY -> {
            for (int i = 0; i < 2; i++) {
              if (ch.std() == Std.UNDER_YEAR_DAY
                  && !cur.value.isEmpty()
                  && cur.value.charAt(0) == ' ') {
                cur.value = cur.value.substring(1);
              }
            }
            yday = cur.num3(ch.std() == Std.ZERO_YEAR_DAY);
          }
          case HOUR -> {
            hour = cur.num(false);
            if (hour < 0 || hour >= 24) {
              rangeErr = "hour";
            }
          }
          case HOUR12, ZERO_HOUR12 -> {
            hour = cur.num(ch.std() == Std.ZERO_HOUR12);
            if (hour < 0 || hour > 12) {
              rangeErr = "hour";
            }
          }
          case MINUTE, ZERO_MINUTE -> {
            min = cur.num(ch.std() == Std.ZERO_MINUTE);
            if (min < 0 || min >= 60) {
              rangeErr = "minute";
            }
          }
          case SECOND, ZERO_SECOND -> {
            sec = cur.num(ch.std() == Std.ZERO_SECOND);
            if (sec < 0 || sec >= 60) {
              rangeErr = "second";
              break;
            }
            // A fractional second in the value that the layout does not mention.
            String v = cur.value;
            if (v.length() >= 2 && commaOrPeriod(v.charAt(0)) && isDigit(v, 1)) {
              Std next = nextChunk(layout).std();
              if (next == Std.FRAC_SECOND0 || next == Std.FRAC_SECOND9) {
                break;
              }
              int n = 2;
              while (n < v.length() && isDigit(v, n)) {
                n++;
              }
              nsec = parseNanos(v, n);
              cur.value = v.substring(n);
            }
          }
          case PM, LOWER_PM -> {
            if (cur.value.length() < 2) {
              throw Bad.INSTANCE;
            }
            String p = cur.value.substring(0, 2);
            cur.value = cur.value.substring(2);
            boolean upper = ch.std() == Std.PM;
            if (p.equals(upper ? "PM" : "pm")) {
              pmSet = true;
            } else if (p.equals(upper ? "AM" : "am")) {
              amSet = true;
            } else {
              throw Bad.INSTANCE;
            }
          }
          case ISO8601_TZ,
              ISO8601_SHORT_TZ,
              ISO8601_COLON_TZ,
              ISO8601_SECONDS_TZ,
              ISO8601_COLON_SECONDS_TZ,
              NUM_TZ,
              NUM_SHORT_TZ,
              NUM_COLON_TZ,
              NUM_SECONDS_TZ,
              NUM_COLON_SECONDS_TZ -> {
            Std std = ch.std();
            boolean iso = std.name().startsWith("ISO8601");
            if (iso && !cur.value.isEmpty() && cur.value.charAt(0) == 'Z') {
              cur.value = cur.value.substring(1);
              utc = true;
              break;
            }
            String v = cur.value;
            String sign;
            String hh;
            String mm;
            String ss;
            if (std == Std.ISO8601_COLON_TZ || std == Std.NUM_COLON_TZ) {
              if (v.length() < 6 || v.charAt(3) != ':') {
                throw Bad.INSTANCE;
              }
              sign = v.substring(0, 1);
              hh = v.substring(1, 3);
              mm = v.substring(4, 6);
              ss = "00";
              cur.value = v.substring(6);
            } else if (std == Std.NUM_SHORT_TZ || std == Std.ISO8601_SHORT_TZ) {
              if (v.length() < 3) {
                throw Bad.INSTANCE;
              }
              sign = v.substring(0, 1);
              hh = v.substring(1, 3);
              mm = "00";
              ss = "00";
              cur.value = v.substring(3);
            } else if (std == Std.ISO8601_COLON_SECONDS_TZ || std == Std.NUM_COLON_SECONDS_TZ) {
              if (v.length() < 9 || v.charAt(3) != ':' || v.charAt(6) != ':') {
                throw Bad.INSTANCE;
              }
              sign = v.substring(0, 1);
              hh = v.substring(1, 3);
              mm = v.substring(4, 6);
              ss = v.substring(7, 9);
              cur.value = v.substring(9);
            } else if (std == Std.ISO8601_SECONDS_TZ || std == Std.NUM_SECONDS_TZ) {
              if (v.length() < 7) {
                throw Bad.INSTANCE;
              }
              sign = v.substring(0, 1);
              hh = v.substring(1, 3);
              mm = v.substring(3, 5);
              ss = v.substring(5, 7);
              cur.value = v.substring(7);
            } else {
              if (v.length() < 5) {
                throw Bad.INSTANCE;
              }
              sign = v.substring(0, 1);
              hh = v.substring(1, 3);
              mm = v.substring(3, 5);
              ss = "00";
              cur.value = v.substring(5);
            }
            int hr = new Cursor(hh).num(true);
            int mi = new Cursor(mm).num(true);
            int se = new Cursor(ss).num(true);
            // Go tests with > rather than >=: offsets of 24h, 60m or 60s are seen in the wild.
            if (hr > 24) {
              rangeErr = "time zone offset hour";
            }
            if (mi > 60) {
              rangeErr = "time zone offset minute";
            }
            if (se > 60) {
              rangeErr = "time zone offset second";
            }
            zoneOffset = (hr * 60 + mi) * 60 + se;
            switch (sign.charAt(0)) {
              case '+' -> {}
              case '-' -> zoneOffset = -zoneOffset;
              default -> throw Bad.INSTANCE;
            }
          }
          case TZ -> {
            if (cur.value.startsWith("UTC")) {
              utc = true;
              cur.value = cur.value.substring(3);
              break;
            }
            int n = zoneNameLength(cur.value);
            if (n <= 0) {
              throw Bad.INSTANCE;
            }
            zoneName = cur.value.substring(0, n);
            cur.value = cur.value.substring(n);
          }
          case FRAC_SECOND0 -> {
            int ndigit = 1 + ch.digits();
            if (cur.value.length() < ndigit) {
              throw Bad.INSTANCE;
            }
            nsec = parseNanos(cur.value, ndigit);
            cur.value = cur.value.substring(ndigit);
          }
          case FRAC_SECOND9 -> {
            String v = cur.value;
            if (v.length() < 2
                || !commaOrPeriod(v.charAt(0))
                || v.charAt(1) < '0'
                || v.charAt(1) > '9') {
              break; // fractional second omitted
            }
            int i = 0;
            while (i + 1 < v.length() && isDigit(v, i + 1)) {
              i++;
            }
            nsec = parseNanos(v, 1 + i);
            cur.value = v.substring(1 + i);
          }
          default -> throw new IllegalStateException(ch.std().name());
        }
      } catch (Bad e) {
        throw parseError(origLayout, origValue, elem, hold, "");
      }
      if (!rangeErr.isEmpty()) {
        throw parseError(origLayout, origValue, elem, cur.value, ": " + rangeErr + " out of range");
      }
    }
    if (pmSet && hour < 12) {
      hour += 12;
    } else if (amSet && hour == 12) {
      hour = 0;
    }

    if (yday >= 0) {
      int d = 0;
      int m = 0;
      if (isLeap(year)) {
        if (yday == 31 + 29) {
          m = 2;
          d = 29;
        } else if (yday > 31 + 29) {
          yday--;
        }
      }
      if (yday < 1 || yday > 365) {
        throw parseError(origLayout, origValue, "", cur.value, ": day-of-year out of range");
      }
      if (m == 0) {
        m = (yday - 1) / 31 + 1;
        if (DAYS_BEFORE[m] < yday) {
          m++;
        }
        d = yday - DAYS_BEFORE[m - 1];
      }
      if (month >= 0 && month != m) {
        throw parseError(
            origLayout, origValue, "", cur.value, ": day-of-year does not match month");
      }
      month = m;
      if (day >= 0 && day != d) {
        throw parseError(origLayout, origValue, "", cur.value, ": day-of-year does not match day");
      }
      day = d;
    } else {
      if (month < 0) {
        month = 1;
      }
      if (day < 0) {
        day = 1;
      }
    }
    if (day < 1 || day > daysIn(month, year)) {
      throw parseError(origLayout, origValue, "", cur.value, ": day out of range");
    }

    long local =
        LocalDate.of(year, month, day).toEpochDay() * 86400L + hour * 3600L + min * 60L + sec;
    long offset;
    if (utc) {
      offset = 0;
    } else if (zoneOffset != -1) {
      offset = zoneOffset;
    } else if (!zoneName.isEmpty()) {
      // The local zone is UTC, so only "GMT+h" names carry a known offset; Go gives other
      // abbreviations an offset of zero.
      offset = 0;
      if (zoneName.length() > 3 && zoneName.startsWith("GMT")) {
        offset = Long.parseLong(zoneName.substring(zoneName.charAt(3) == '+' ? 4 : 3)) * 3600;
      }
    } else {
      offset = 0;
    }
    return new Parsed(local - offset, nsec);
  }

  private static final int[] DAYS_BEFORE = {
    0, 31, 31 + 28, 31 + 28 + 31, 31 + 28 + 31 + 30, 31 + 28 + 31 + 30 + 31,
    31 + 28 + 31 + 30 + 31 + 30, 31 + 28 + 31 + 30 + 31 + 30 + 31,
    31 + 28 + 31 + 30 + 31 + 30 + 31 + 31, 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30,
    31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31,
    31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30,
    31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31
  };

  static boolean isLeap(int year) {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static int daysIn(int month, int year) {
    if (month == 2 && isLeap(year)) {
      return 29;
    }
    return DAYS_BEFORE[month] - DAYS_BEFORE[month - 1];
  }

  private static int atoi(String s) throws Bad {
    int i = 0;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      i = 1;
    }
    if (i == s.length()) {
      throw Bad.INSTANCE;
    }
    int n = 0;
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw Bad.INSTANCE;
      }
      n = n * 10 + (c - '0');
    }
    return neg ? -n : n;
  }

  /** Length of a time zone abbreviation at the start of {@code value}, or 0 (Go's rules). */
  private static int zoneNameLength(String value) {
    if (value.length() < 3) {
      return 0;
    }
    // Special cases: longer or mixed-case names Go knows.
    if (value.length() >= 4 && (value.startsWith("ChST") || value.startsWith("MeST"))) {
      return 4;
    }
    if (value.startsWith("GMT")) {
      return 3 + signedOffsetLength(value.substring(3));
    }
    if (value.charAt(0) == '+' || value.charAt(0) == '-') {
      return signedOffsetLength(value);
    }
    int n = 0;
    while (n < value.length() && n < 6) {
      char c = value.charAt(n);
      if (c < 'A' || c > 'Z') {
        break;
      }
      n++;
    }
    return switch (n) {
      case 3 -> 3;
      case 4 -> (value.charAt(3) == 'T' || value.startsWith("WITA")) ? 4 : 0;
      case 5 -> value.charAt(4) == 'T' ? 5 : 0;
      default -> 0;
    };
  }

  /** Length of a "+h"/"-h" hour offset (at most 23), or 0. */
  private static int signedOffsetLength(String value) {
    if (value.isEmpty()) {
      return 0;
    }
    char sign = value.charAt(0);
    if (sign != '+' && sign != '-') {
      return 0;
    }
    int i = 1;
    long x = 0;
    while (i < value.length() && isDigit(value, i)) {
      x = x * 10 + (value.charAt(i) - '0');
      if (x > 1_000_000) {
        return 0;
      }
      i++;
    }
    if (i == 1 || x > 23) {
      return 0;
    }
    return i;
  }

  // ---------------------------------------------------------------------------------------
  // Durations

  private static final Map<String, Long> UNITS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L,
          "\u03bcs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  /** 1<<63 as an unsigned value. */
  private static final long TWO_63 = Long.MIN_VALUE;

  /** Parses a Go duration ("1h2m3.5s", "-300ms") to nanoseconds, with Go's error texts. */
  static long parseDuration(String orig) throws ParseException {
    String s = orig;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return 0;
    }
    if (s.isEmpty()) {
      throw invalidDuration(orig);
    }
    long d = 0; // unsigned
    while (!s.isEmpty()) {
      char c0 = s.charAt(0);
      if (!(c0 == '.' || ('0' <= c0 && c0 <= '9'))) {
        throw invalidDuration(orig);
      }
      // Integer part, unsigned, overflowing past 1<<63 is an error.
      int i = 0;
      long v = 0;
      while (i < s.length() && isDigit(s, i)) {
        if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_63, 10)) > 0) {
          throw invalidDuration(orig);
        }
        v = v * 10 + (s.charAt(i) - '0');
        if (Long.compareUnsigned(v, TWO_63) > 0) {
          throw invalidDuration(orig);
        }
        i++;
      }
      boolean pre = i > 0;
      s = s.substring(i);
      boolean post = false;
      long f = 0;
      double scale = 1;
      if (!s.isEmpty() && s.charAt(0) == '.') {
        s = s.substring(1);
        int j = 0;
        boolean overflow = false;
        while (j < s.length() && isDigit(s, j)) {
          if (!overflow) {
            if (f > (Long.MAX_VALUE) / 10) {
              overflow = true;
            } else {
              long y = f * 10 + (s.charAt(j) - '0');
              if (y < 0) {
                overflow = true;
              } else {
                f = y;
                scale *= 10;
              }
            }
          }
          j++;
        }
        post = j > 0;
        s = s.substring(j);
      }
      if (!pre && !post) {
        throw invalidDuration(orig);
      }
      int k = 0;
      while (k < s.length()) {
        char c = s.charAt(k);
        if (c == '.' || ('0' <= c && c <= '9')) {
          break;
        }
        k++;
      }
      if (k == 0) {
        throw new ParseException("time: missing unit in duration " + quote(orig));
      }
      String u = s.substring(0, k);
      s = s.substring(k);
      Long unit = UNITS.get(u);
      if (unit == null) {
        throw new ParseException(
            "time: unknown unit " + quote(u) + " in duration " + quote(orig));
      }
      if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_63, unit)) > 0) {
        throw invalidDuration(orig);
      }
      v *= unit;
      if (f > 0) {
        v += (long) ((double) f * ((double) unit / scale));
        if (Long.compareUnsigned(v, TWO_63) > 0) {
          throw invalidDuration(orig);
        }
      }
      d += v;
      if (Long.compareUnsigned(d, TWO_63) > 0 || Long.compareUnsigned(d, v) < 0) {
        throw invalidDuration(orig);
      }
    }
    if (neg) {
      return -d;
    }
    if (Long.compareUnsigned(d, Long.MAX_VALUE) > 0) {
      throw invalidDuration(orig);
    }
    return d;
  }

  private static ParseException invalidDuration(String orig) {
    return new ParseException("time: invalid duration " + quote(orig));
  }

  /** Go's time.quote: ASCII as is (with \" and \\ escaped), other bytes as \xNN. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (cp >= 0x80 || cp < ' ') {
        byte[] bytes = s.substring(i, i + n).getBytes(StandardCharsets.UTF_8);
        for (byte x : bytes) {
          b.append("\\x").append(Character.forDigit((x >> 4) & 0xF, 16))
              .append(Character.forDigit(x & 0xF, 16));
        }
      } else {
        if (cp == '"' || cp == '\\') {
          b.append('\\');
        }
        b.append((char) cp);
      }
      i += n;
    }
    return b.append('"').toString();
  }

  /** Instant of a nanosecond Unix timestamp in a zone. */
  static ZonedDateTime at(long unixNanos, ZoneId zone) {
    return Instant.ofEpochSecond(Math.floorDiv(unixNanos, 1_000_000_000L),
            Math.floorMod(unixNanos, 1_000_000_000L))
        .atZone(zone);
  }

  static String weekdayName(ZonedDateTime t) {
    return LONG_DAYS[t.getDayOfWeek().getValue() % 7];
  }
}
