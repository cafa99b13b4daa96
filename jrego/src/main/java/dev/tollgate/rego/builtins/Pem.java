package dev.tollgate.rego.builtins;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PEM block decoding with Go's {@code encoding/pem.Decode} semantics: text before a block is
 * skipped, malformed candidate blocks are passed over, and the remainder after the block's END
 * line is returned so callers can detect trailing data as OPA does.
 */
final class Pem {
  private static final byte[] BEGIN = "\n-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n-----END ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DASHES = "-----".getBytes(StandardCharsets.US_ASCII);

  private Pem() {}

  /** One decoded block and the input that follows it. */
  record Block(String type, byte[] bytes, byte[] rest) {}

  static Block decode(String text) {
    return decode(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The first PEM block in {@code data}, or null when there is none. */
  static Block decode(byte[] data) {
    byte[] rest = data;
    while (true) {
      if (startsWith(rest, 0, BEGIN, 1)) {
        rest = Arrays.copyOfRange(rest, BEGIN.length - 1, rest.length);
      } else {
        int i = indexOf(rest, BEGIN, 0);
        if (i < 0) {
          return null;
        }
        rest = Arrays.copyOfRange(rest, i + BEGIN.length, rest.length);
      }
      byte[][] line = getLine(rest);
      byte[] typeLine = line[0];
      rest = line[1];
      if (!endsWith(typeLine, DASHES)) {
        continue;
      }
      typeLine = Arrays.copyOf(typeLine, typeLine.length - DASHES.length);
      boolean headers = false;
      boolean truncated = false;
      while (true) {
        if (rest.length == 0) {
          truncated = true;
          break;
        }
        byte[][] hl = getLine(rest);
        if (indexOf(hl[0], new byte[] {':'}, 0) < 0) {
          break;
        }
        headers = true;
        rest = hl[1];
      }
      if (truncated) {
        return null;
      }
      int endIndex;
      int endTrailerIndex;
      if (!headers && startsWith(rest, 0, END, 1)) {
        endIndex = 0;
        endTrailerIndex = END.length - 1;
      } else {
        endIndex = indexOf(rest, END, 0);
        endTrailerIndex = endIndex + END.length;
      }
      if (endIndex < 0) {
        continue;
      }
      int trailerLen = typeLine.length + DASHES.length;
      if (rest.length - endTrailerIndex < trailerLen) {
        continue;
      }
      byte[] trailer = Arrays.copyOfRange(rest, endTrailerIndex, endTrailerIndex + trailerLen);
      byte[] restOfEndLine = Arrays.copyOfRange(rest, endTrailerIndex + trailerLen, rest.length);
      if (!startsWith(trailer, 0, typeLine, 0) || !endsWith(trailer, DASHES)) {
        continue;
      }
      if (getLine(restOfEndLine)[0].length != 0) {
        continue;
      }
      ByteArrayOutputStream b64 = new ByteArrayOutputStream();
      for (int k = 0; k < endIndex; k++) {
        if (rest[k] != ' ' && rest[k] != '\t') {
          b64.write(rest[k]);
        }
      }
      byte[] bytes;
      try {
        bytes = GoBase64.decodeStd(b64.toByteArray());
      } catch (GoBase64.CorruptInputException e) {
        continue;
      }
      byte[] after = getLine(Arrays.copyOfRange(rest, endIndex + END.length - 1, rest.length))[1];
      return new Block(new String(typeLine, StandardCharsets.UTF_8), bytes, after);
    }
  }

  /** Go's getLine: the line without its terminator and trailing blanks, and the rest. */
  private static byte[][] getLine(byte[] data) {
    int i = indexOf(data, new byte[] {'\n'}, 0);
    int lineEnd;
    int restStart;
    if (i < 0) {
      lineEnd = data.length;
      restStart = data.length;
    } else {
      lineEnd = i;
      restStart = i + 1;
    }
    while (lineEnd > 0) {
      byte c = data[lineEnd - 1];
      if (c == ' ' || c == '\t' || c == '\r') {
        lineEnd--;
      } else {
        break;
      }
    }
    return new byte[][] {Arrays.copyOf(data, lineEnd), Arrays.copyOfRange(data, restStart, data.length)};
  }

  private static boolean startsWith(byte[] data, int at, byte[] prefix, int prefixFrom) {
    int n = prefix.length - prefixFrom;
    if (data.length - at < n) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (data[at + k] != prefix[prefixFrom + k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(byte[] data, byte[] suffix) {
    return data.length >= suffix.length && startsWith(data, data.length - suffix.length, suffix, 0);
  }

  static int indexOf(byte[] data, byte[] needle, int from) {
    outer:
    for (int i = from; i <= data.length - needle.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (data[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
