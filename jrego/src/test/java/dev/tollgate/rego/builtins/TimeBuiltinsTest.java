package dev.tollgate.rego.builtins;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TimeBuiltinsTest {

  static Stream<Arguments> cases() {
    return Table.rows(
        """
        # time.parse_ns: Go layouts
        time.parse_ns | ["2006-01-02T15:04:05Z07:00", "2017-06-02T19:00:00-07:00"] | 1496455200000000000
        time.parse_ns | ["2006-01-02T15:04:05Z07:00", "1677-09-21T00:12:43.145224192-00:00"] | -9223372036854775808
        time.parse_ns | ["2006-01-02T15:04:05Z07:00", "2262-04-11T23:47:16.854775807-00:00"] | 9223372036854775807
        time.parse_ns | ["01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700"] | 1496455200000000000
        time.parse_ns | ["02 Jan 06 15:04 -0700", "02 Jun 17 19:00 -0700"] | 1496455200000000000
        time.parse_ns | ["RFC3339", "2017-06-02T19:00:00Z"] | 1496430000000000000
        time.parse_ns | ["RFC3339", "2017-06-02T19:00:00.5Z"] | 1496430000500000000
        time.parse_ns | ["RFC1123Z", "Sun, 04 Feb 2018 23:00:00 -0800"] | 1517814000000000000
        time.parse_ns | ["ANSIC", "Sat Jun  3 02:00:00 2017"] | 1496455200000000000
        time.parse_ns | ["Mon Jan _2 15:04:05 2006", "sat jun  3 02:00:00 2017"] | 1496455200000000000
        time.parse_ns | ["January 2, 2006 3:04pm", "June 3, 2017 2:00am"] | 1496455200000000000
        time.parse_ns | ["2006-01-02 15:04 MST", "2018-02-04 23:00 PST"] | 1517785200000000000
        time.parse_ns | ["2006-01-02 15:04 MST", "2018-02-04 23:00 GMT+3"] | 1517774400000000000
        time.parse_ns | ["2006-01-02 15:04 MST", "2018-02-04 23:00 UTC"] | 1517785200000000000
        time.parse_ns | ["2006-01-02 15:04:05.000", "2017-06-02 19:00:00.250"] | 1496430000250000000
        time.parse_ns | ["2006-01-02 15:04:05.999", "2017-06-02 19:00:00"] | 1496430000000000000
        time.parse_ns | ["2006-01-02 15:04:05,999", "2017-06-02 19:00:00,000000001"] | 1496430000000000001
        time.parse_ns | ["2006 002", "2018 036"] | 1517788800000000000
        time.parse_ns | ["2006 __2", "2020  60"] | 1582934400000000000
        time.parse_ns | ["2006-01-02", "2020-02-29"] | 1582934400000000000
        time.parse_ns | ["15:04", "00:00"] | error: time outside of valid range
        time.parse_ns | ["2006-01-02", "2020-02-30"] | error: parsing time "2020-02-30": day out of range
        time.parse_ns | ["2006-01-02", "2020-13-01"] | error: parsing time "2020-13-01": month out of range
        time.parse_ns | ["2006-01-02", "2020-1-01"] | error: parsing time "2020-1-01" as "2006-01-02": cannot parse "1-01" as "01"
        time.parse_ns | ["2006-01-02", "2020-01-01x"] | error: parsing time "2020-01-01x": extra text: "x"
        time.parse_ns | ["2006-01-02", "20-01-01"] | error: cannot parse "20-01-01" as "2006"
        time.parse_ns | ["15:04", "25:00"] | error: parsing time "25:00": hour out of range
        time.parse_ns | ["2006 002", "2019 366"] | error: day-of-year out of range
        time.parse_ns | ["2006-01-02 002", "2018-02-06 036"] | error: day-of-year does not match day
        time.parse_ns | ["2006-01-02T15:04:05Z07:00", "1677-09-21T00:12:43.145224191-00:00"] | error: time outside of valid range
        time.parse_ns | ["2006-01-02T15:04:05Z07:00", "2262-04-11T23:47:16.854775808-00:00"] | error: time outside of valid range
        time.parse_ns | [1, "x"] | type: operand 1 must be string but got number
        time.parse_ns | ["x", 1] | type: operand 2 must be string but got number
        # time.parse_rfc3339_ns
        time.parse_rfc3339_ns | ["1970-01-01T00:00:00-00:00"] | 0
        time.parse_rfc3339_ns | ["2017-06-02T19:00:00-07:00"] | 1496455200000000000
        time.parse_rfc3339_ns | ["2017-06-02T19:00:00.123456789+02:00"] | 1496422800123456789
        time.parse_rfc3339_ns | ["2017-06-02"] | error: parsing time "2017-06-02" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"
        time.parse_rfc3339_ns | ["1677-09-21T00:12:43.145224191-00:00"] | error: time outside of valid range
        # time.parse_duration_ns: Go durations
        time.parse_duration_ns | ["1h2m3.5s"] | 3723500000000
        time.parse_duration_ns | ["1.5h"] | 5400000000000
        time.parse_duration_ns | ["-1.5h"] | -5400000000000
        time.parse_duration_ns | ["+300ms"] | 300000000
        time.parse_duration_ns | ["1µs"] | 1000
        time.parse_duration_ns | ["1μs"] | 1000
        time.parse_duration_ns | ["1us"] | 1000
        time.parse_duration_ns | ["7ns"] | 7
        time.parse_duration_ns | ["0"] | 0
        time.parse_duration_ns | ["1.s"] | 1000000000
        time.parse_duration_ns | [".5m"] | 30000000000
        time.parse_duration_ns | ["9223372036854775807ns"] | 9223372036854775807
        time.parse_duration_ns | ["-9223372036854775808ns"] | -9223372036854775808
        time.parse_duration_ns | ["9223372036854775808ns"] | error: time: invalid duration "9223372036854775808ns"
        time.parse_duration_ns | ["3000000h"] | error: time: invalid duration "3000000h"
        time.parse_duration_ns | [""] | error: time: invalid duration ""
        time.parse_duration_ns | ["-"] | error: time: invalid duration "-"
        time.parse_duration_ns | [".s"] | error: time: invalid duration ".s"
        time.parse_duration_ns | ["1"] | error: time: missing unit in duration "1"
        time.parse_duration_ns | ["1d"] | error: time: unknown unit "d" in duration "1d"
        time.parse_duration_ns | ["1µx"] | error: time: unknown unit "\\xc2\\xb5x" in duration "1\\xc2\\xb5x"
        time.parse_duration_ns | [3] | type: operand 1 must be string but got number
        # time.date / time.clock / time.weekday
        time.date | [1517814000000000000] | [2018, 2, 5]
        time.date | [[1517814000000000000, "America/Los_Angeles"]] | [2018, 2, 4]
        time.date | [[1517832000000000000, ""]] | [2018, 2, 5]
        time.date | [[1517832000000000000, "UTC"]] | [2018, 2, 5]
        time.date | [1582977600000000000] | [2020, 2, 29]
        time.date | [-1] | [1969, 12, 31]
        time.date | [1582977600000000000000] | error: timestamp too big
        time.date | [1.5] | error: timestamp too big
        time.date | [[1, "Mars/Olympus_Mons"]] | error: unknown time zone Mars/Olympus_Mons
        time.date | [[1, "../etc/passwd"]] | error: time: invalid location name
        time.date | ["x"] | type: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string
        time.date | [[]] | type: operand 1 must be either number (ns) or [number (ns), string (tz)] but got array
        time.date | [["x"]] | type: operand 1 must be number but got string
        time.date | [[1, 2]] | type: operand 1 must be string but got number
        time.clock | [1517832000000000000] | [12, 0, 0]
        time.clock | [[1517832000000000000, "America/New_York"]] | [7, 0, 0]
        time.clock | [[1517832000000000000, "Asia/Kolkata"]] | [17, 30, 0]
        time.clock | [1582977600000000000000] | error: timestamp too big
        time.weekday | [1517832000000000000] | "Monday"
        time.weekday | [1518004800000000000] | "Wednesday"
        time.weekday | [1518350400000000000] | "Sunday"
        time.weekday | [[1517832000000000000, "Pacific/Kiritimati"]] | "Tuesday"
        time.weekday | [1582977600000000000000] | error: timestamp too big
        # time.format
        time.format | [1496455200000000000] | "2017-06-03T02:00:00Z"
        time.format | [1496455200123000000] | "2017-06-03T02:00:00.123Z"
        time.format | [[1517814000000000000, "America/Los_Angeles"]] | "2018-02-04T23:00:00-08:00"
        time.format | [[1517814000000000000, "America/Los_Angeles", "2006-01-02 15:04:05 MST"]] | "2018-02-04 23:00:00 PST"
        time.format | [[1530500000000000000, "America/Los_Angeles", "MST -07:00:00 Z07"]] | "PDT -07:00:00 -07"
        time.format | [[1517814000000000000, "America/Los_Angeles", "RFC1123Z"]] | "Sun, 04 Feb 2018 23:00:00 -0800"
        time.format | [[1517814000000000000, "UTC", "RFC1123"]] | "Mon, 05 Feb 2018 07:00:00 UTC"
        time.format | [[1496455200000000000, "UTC", "ANSIC"]] | "Sat Jun  3 02:00:00 2017"
        time.format | [[1517814000000000000, "UTC", "Monday January 2 3:04:05pm PM 06 __2 002 _2"]] | "Monday February 5 7:00:00am AM 18  36 036  5"
        time.format | [[1517814000123456789, "UTC", "05.000 05.999999 05,99 .9"]] | "00.123 00.123456 00,12 .1"
        time.format | [[1517814000000000000, "UTC", "05.999 Z07:00 -0700"]] | "00 Z +0000"
        time.format | [[1517814000000000000, "Asia/Kolkata", "Z0700 Z07:00:00 -07 -070000"]] | "+0530 +05:30:00 +05 +053000"
        time.format | [[1517814000000000000, "Asia/Dubai", "MST"]] | "+04"
        time.format | [[1517814000000000000, "UTC", "Jan Janet 1 01 2 02 3 03 4 04"]] | "Feb Janet 2 02 5 05 7 07 0 00"
        time.format | [[1517814000123456789, "UTC", "05.000000000000"]] | "00.123456789"
        time.format | [[1517814000000000000, "", ""]] | "2018-02-05T07:00:00Z"
        time.format | [[1517814000000000000, "EST", "15:04 MST -0700"]] | "02:00 EST -0500"
        time.format | [[1517814000000000000, "Etc/GMT+5", "15:04 MST -0700"]] | "02:00 -05 -0500"
        time.format | [[1530500000000000000, "Europe/London", "15:04 MST"]] | "03:53 BST"
        # time.add_date: Go normalises overflowing fields
        time.add_date | [1585852421593912000, 3, 9, 12] | 1705257221593912000
        time.add_date | [1585852421593912000, -1, -1, -1] | 1551465221593912000
        time.add_date | [1612051200000000000, 0, 1, 0] | 1614729600000000000
        # a day after 02:30 on the eve of a DST gap: Go picks 01:30 EST, not 03:30 EDT
        time.add_date | [[1615620600000000000, "America/New_York"], 0, 0, 1] | 1615703400000000000
        time.add_date | [[1615620600000000000, "Europe/Paris"], 0, 0, 1] | 1615707000000000000
        time.add_date | [0, 2262, 1, 1] | error: time outside of valid range
        time.add_date | [-9223372036854775808, 0, 0, -1] | error: time outside of valid range
        time.add_date | [0, 9223372036854775807, 9223372036854775807, 0] | error: time outside of valid range
        time.add_date | [0, 1.5, 0, 0] | type: operand 2 must be integer number but got floating-point number
        time.add_date | [0, 0, "1", 0] | type: operand 3 must be number but got string
        # time.diff
        time.diff | [1580601600000000000, 1583020800000000000] | [0, 0, 28, 0, 0, 0]
        time.diff | [1583020800000000000, 1580601600000000000] | [0, 0, 28, 0, 0, 0]
        time.diff | [1612224000000000000, 1614556800000000000] | [0, 0, 27, 0, 0, 0]
        time.diff | [1078012800000000000, 1109635200000000000] | [1, 0, 1, 0, 0, 0]
        time.diff | [[1517814060000000000, "UTC"], [1517814000000000000, "Asia/Shanghai"]] | [0, 0, 0, 0, 1, 0]
        time.diff | [0, 61000000000] | [0, 0, 0, 0, 1, 1]
        """);
  }

  @ParameterizedTest(name = "{0}{1} = {2}")
  @MethodSource("cases")
  void builtin(String builtin, String operands, String expected) {
    Table.check(new TestContext(), builtin, operands, expected);
  }
}
