package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.ArrayValue;
import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Time built-ins over nanosecond Unix timestamps, with Go's layouts and durations (see {@link
 * GoTime}). {@code time.now_ns} belongs to the evaluator, which owns the clock.
 */
final class TimeBuiltins {
  private TimeBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("time.parse_ns", 2, TimeBuiltins::parseNs);
    r.function("time.parse_rfc3339_ns", 1, TimeBuiltins::parseRfc3339Ns);
    r.function("time.parse_duration_ns", 1, TimeBuiltins::parseDurationNs);
    r.function("time.format", 1, TimeBuiltins::format);
    r.function("time.date", 1, TimeBuiltins::date);
    r.function("time.clock", 1, TimeBuiltins::clock);
    r.function("time.weekday", 1, TimeBuiltins::weekday);
    r.function("time.add_date", 4, TimeBuiltins::addDate);
    r.function("time.diff", 2, TimeBuiltins::diff);
  }

  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger MIN_NANOS = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);

  /** Nanoseconds since the epoch, failing as OPA does when they do not fit an int64. */
  static long toUnixNanos(long epochSecond, int nano) throws BuiltinException {
    BigInteger ns =
        BigInteger.valueOf(epochSecond).multiply(NANOS_PER_SECOND).add(BigInteger.valueOf(nano));
    if (ns.compareTo(MIN_NANOS) < 0 || ns.compareTo(MAX_NANOS) > 0) {
      throw BuiltinException.failure("time outside of valid range");
    }
    return ns.longValue();
  }

  private static Value parseNs(BuiltinContext ctx, Value[] args) throws BuiltinException {
    String layout = Args.string(args, 0);
    String value = Args.string(args, 1);
    return parse(GoTime.NAMED_LAYOUTS.getOrDefault(layout, layout), value);
  }

  private static Value parseRfc3339Ns(BuiltinContext ctx, Value[] args) throws BuiltinException {
    return parse(GoTime.RFC3339, Args.string(args, 0));
  }

  private static Value parse(String layout, String value) throws BuiltinException {
    GoTime.Parsed p;
    try {
      p = GoTime.parse(layout, value);
    } catch (GoTime.ParseException e) {
      throw BuiltinException.failure(e.getMessage());
    }
    return NumberValue.of(toUnixNanos(p.epochSecond(), p.nano()));
  }

  private static Value parseDurationNs(BuiltinContext ctx, Value[] args) throws BuiltinException {
    String s = Args.string(args, 0);
    try {
      return NumberValue.of(GoTime.parseDuration(s));
    } catch (GoTime.ParseException e) {
      throw BuiltinException.failure(e.getMessage());
    }
  }

  private static Value format(BuiltinContext ctx, Value[] args) throws BuiltinException {
    ZonedTime t = zonedTime(args[0]);
    String layout = t.layout();
    if (layout.isEmpty()) {
      layout = GoTime.RFC3339_NANO;
    } else {
      layout = GoTime.NAMED_LAYOUTS.getOrDefault(layout, layout);
    }
    return StringValue.of(GoTime.format(t.time(), layout));
  }

  private static Value date(BuiltinContext ctx, Value[] args) throws BuiltinException {
    ZonedDateTime t = zonedTime(args[0]).time();
    return ints(t.getYear(), t.getMonthValue(), t.getDayOfMonth());
  }

  private static Value clock(BuiltinContext ctx, Value[] args) throws BuiltinException {
    ZonedDateTime t = zonedTime(args[0]).time();
    return ints(t.getHour(), t.getMinute(), t.getSecond());
  }

  private static Value weekday(BuiltinContext ctx, Value[] args) throws BuiltinException {
    return StringValue.of(GoTime.weekdayName(zonedTime(args[0]).time()));
  }

  private static Value addDate(BuiltinContext ctx, Value[] args) throws BuiltinException {
    ZonedDateTime t = zonedTime(args[0]).time();
    long years = Args.integer(args, 1);
    long months = Args.integer(args, 2);
    long days = Args.integer(args, 3);
    try {
      // Go normalises the fields (Jan 31 + 1 month = Mar 3), unlike java.time's clamping.
      long monthIndex = Math.addExact(t.getMonthValue() - 1L, months);
      long year =
          Math.addExact(Math.addExact(t.getYear(), years), Math.floorDiv(monthIndex, 12));
      int month = Math.floorMod(monthIndex, 12) + 1;
      if (year < -1_000_000 || year > 1_000_000) {
        throw BuiltinException.failure("time outside of valid range");
      }
      LocalDate d =
          LocalDate.of((int) year, month, 1).plusDays(Math.addExact(t.getDayOfMonth() - 1L, days));
      long local = LocalDateTime.of(d, t.toLocalTime()).toEpochSecond(ZoneOffset.UTC);
      return NumberValue.of(toUnixNanos(goZoneAdjust(local, t.getZone()), t.getNano()));
    } catch (ArithmeticException | DateTimeException e) {
      throw BuiltinException.failure("time outside of valid range");
    }
  }

  /**
   * Go's time.Date choice of offset for a local wall time: the offset in force at the wall time
   * read as UTC, corrected once. In a DST gap this lands an hour earlier than java.time would.
   */
  private static long goZoneAdjust(long localSeconds, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    int guess = rules.getOffset(Instant.ofEpochSecond(localSeconds)).getTotalSeconds();
    int offset = rules.getOffset(Instant.ofEpochSecond(localSeconds - guess)).getTotalSeconds();
    return localSeconds - offset;
  }

  private static Value diff(BuiltinContext ctx, Value[] args) throws BuiltinException {
    ZonedDateTime t1 = zonedTime(args[0]).time();
    ZonedDateTime t2 = zonedTime(args[1]).time().withZoneSameInstant(t1.getZone());
    if (t1.toInstant().isAfter(t2.toInstant())) {
      ZonedDateTime x = t1;
      t1 = t2;
      t2 = x;
    }
    int year = t2.getYear() - t1.getYear();
    int month = t2.getMonthValue() - t1.getMonthValue();
    int day = t2.getDayOfMonth() - t1.getDayOfMonth();
    int hour = t2.getHour() - t1.getHour();
    int min = t2.getMinute() - t1.getMinute();
    int sec = t2.getSecond() - t1.getSecond();
    if (sec < 0) {
      sec += 60;
      min--;
    }
    if (min < 0) {
      min += 60;
      hour--;
    }
    if (hour < 0) {
      hour += 24;
      day--;
    }
    if (day < 0) {
      day += GoTime.daysIn(t1.getMonthValue(), t1.getYear());
      month--;
    }
    if (month < 0) {
      month += 12;
      year--;
    }
    return ints(year, month, day, hour, min, sec);
  }

  private static ArrayValue ints(int... values) {
    Value[] out = new Value[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = NumberValue.of(values[i]);
    }
    return ArrayValue.wrap(out);
  }

  /** A timestamp operand resolved to a zone, and the layout an array operand may carry. */
  private record ZonedTime(ZonedDateTime time, String layout) {}

  private static final String TIME_OPERAND = "either number (ns) or [number (ns), string (tz)]";

  /**
   * Reads {@code ns}, {@code [ns, tz]} or {@code [ns, tz, layout]}. As in OPA, every operand
   * error names operand 1, whichever argument it is.
   */
  private static ZonedTime zonedTime(Value v) throws BuiltinException {
    Value ns;
    ZoneId zone = ZoneOffset.UTC;
    String layout = "";
    if (v instanceof ArrayValue a) {
      if (a.isEmpty()) {
        throw Args.mustBe(0, TIME_OPERAND, v);
      }
      ns = a.get(0);
      if (!(ns instanceof NumberValue)) {
        throw Args.mustBe(0, "number", ns);
      }
      if (a.size() > 1) {
        if (!(a.get(1) instanceof StringValue tz)) {
          throw Args.mustBe(0, "string", a.get(1));
        }
        zone = zone(tz.value());
      }
      if (a.size() > 2) {
        if (!(a.get(2) instanceof StringValue l)) {
          throw Args.mustBe(0, "string", a.get(2));
        }
        layout = l.value();
      }
    } else if (v instanceof NumberValue) {
      ns = v;
    } else {
      throw Args.mustBe(0, TIME_OPERAND, v);
    }
    NumberValue n = (NumberValue) ns;
    if (!n.isLong()) {
      throw BuiltinException.failure("timestamp too big");
    }
    return new ZonedTime(GoTime.at(n.longValue(), zone), layout);
  }

  private static final Set<String> ZONE_IDS = ConcurrentHashMap.newKeySet();

  /** Go's LoadLocation over the tz database that java.time carries. */
  static ZoneId zone(String name) throws BuiltinException {
    switch (name) {
      case "", "UTC" -> {
        return ZoneOffset.UTC;
      }
      case "Local" -> {
        return ZoneId.systemDefault();
      }
      default -> {}
    }
    if (name.contains("..") || name.startsWith("/") || name.startsWith("\\")) {
      throw BuiltinException.failure("time: invalid location name");
    }
    ZoneId fixed = GoTime.FIXED_ZONES.get(name);
    if (fixed != null) {
      return fixed;
    }
    if (ZONE_IDS.isEmpty()) {
      ZONE_IDS.addAll(ZoneId.getAvailableZoneIds());
    }
    if (!ZONE_IDS.contains(name)) {
      throw BuiltinException.failure("unknown time zone " + name);
    }
    return ZoneId.of(name);
  }
}
