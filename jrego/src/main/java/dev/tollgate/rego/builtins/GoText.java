package dev.tollgate.rego.builtins;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes to text the way Go turns a byte slice into a string that is then read rune by rune:
 * every byte that does not start a valid UTF-8 sequence becomes one U+FFFD. Java's decoders
 * replace whole malformed sequences instead, which changes {@code count} of the result.
 */
final class GoText {
  private static final byte[] REPLACEMENT = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};

  private GoText() {}

  static String fromBytes(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int c0 = b[i] & 0xff;
      if (c0 < 0x80) {
        sb.append((char) c0);
        i++;
        continue;
      }
      int need;
      int min;
      int cp;
      if (c0 >= 0xc2 && c0 <= 0xdf) {
        need = 1;
        min = 0x80;
        cp = c0 & 0x1f;
      } else if (c0 >= 0xe0 && c0 <= 0xef) {
        need = 2;
        min = 0x800;
        cp = c0 & 0x0f;
      } else if (c0 >= 0xf0 && c0 <= 0xf4) {
        need = 3;
        min = 0x10000;
        cp = c0 & 0x07;
      } else {
        sb.append('\ufffd');
        i++;
        continue;
      }
      boolean ok = true;
      for (int k = 1; k <= need; k++) {
        if (i + k >= b.length || (b[i + k] & 0xc0) != 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b[i + k] & 0x3f);
      }
      if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        sb.append('\ufffd');
        i++;
        continue;
      }
      sb.appendCodePoint(cp);
      i += need + 1;
    }
    return sb.toString();
  }

  /** UTF-8 bytes; a lone surrogate (which Go strings cannot hold) becomes U+FFFD. */
  static byte[] toBytes(String s) {
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
        .replaceWith(REPLACEMENT);
    try {
      ByteBuffer buf = enc.encode(CharBuffer.wrap(s));
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value of an ASCII hex digit, or -1 (Go's unhex). */
  static int hexDigit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  /** Go's string order: bytewise on UTF-8, which is code point order. */
  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
