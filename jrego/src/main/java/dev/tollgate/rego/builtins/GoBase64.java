package dev.tollgate.rego.builtins;

import java.io.ByteArrayOutputStream;

/**
 * Base64 decoding with Go's {@code encoding/base64} semantics (padded encodings): newlines are
 * skipped, unused trailing bits are ignored, and errors name the offending input byte the way Go
 * does ({@code illegal base64 data at input byte N}), since OPA surfaces those messages.
 */
final class GoBase64 {
  private static final byte[] STD = table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  private static final byte[] URL = table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

  private GoBase64() {}

  /** Thrown for malformed input; the message is Go's. */
  static final class CorruptInputException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptInputException(String message) {
      super(message, null, false, false);
    }
  }

  private static byte[] table(String alphabet) {
    byte[] t = new byte[256];
    java.util.Arrays.fill(t, (byte) -1);
    for (int i = 0; i < alphabet.length(); i++) {
      t[alphabet.charAt(i)] = (byte) i;
    }
    return t;
  }

  static byte[] decodeStd(byte[] src) throws CorruptInputException {
    return decode(src, STD);
  }

  static byte[] decodeStd(String src) throws CorruptInputException {
    return decode(GoText.toBytes(src), STD);
  }

  /**
   * OPA's {@code base64url.decode}: adds missing padding first (RFC 7515 appendix C), then decodes
   * with the padded URL alphabet.
   */
  static byte[] decodeUrlLenient(String s) throws CorruptInputException {
    byte[] src = GoText.toBytes(s);
    if (!s.endsWith("=")) {
      // Go pads by the length in bytes.
      int pad = switch (src.length % 4) {
        case 0 -> 0;
        case 2 -> 2;
        case 3 -> 1;
        default -> throw new CorruptInputException("illegal base64url string: " + s);
      };
      int n = src.length;
      src = java.util.Arrays.copyOf(src, n + pad);
      java.util.Arrays.fill(src, n, n + pad, (byte) '=');
    }
    return decode(src, URL);
  }

  private static byte[] decode(byte[] src, byte[] map) throws CorruptInputException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4 + 3);
    int si = 0;
    while (si < src.length) {
      int[] quantum = new int[4];
      int dlen = 4;
      boolean end = false;
      int j = 0;
      for (; j < 4; j++) {
        if (si == src.length) {
          if (j == 0) {
            return out.toByteArray();
          }
          throw corrupt(si - j);
        }
        int in = src[si] & 0xff;
        si++;
        int v = map[in];
        if (v >= 0) {
          quantum[j] = v;
          continue;
        }
        if (in == '\n' || in == '\r') {
          j--;
          continue;
        }
        if (in != '=') {
          throw corrupt(si - 1);
        }
        // padding
        switch (j) {
          case 0, 1 -> throw corrupt(si - 1);
          case 2 -> {
            while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
              si++;
            }
            if (si == src.length) {
              throw corrupt(src.length);
            }
            if (src[si] != '=') {
              throw corrupt(si - 1);
            }
            si++;
          }
          default -> {}
        }
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
          si++;
        }
        if (si < src.length) {
          throw corrupt(si);
        }
        dlen = j;
        end = true;
        break;
      }
      int val = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
      if (dlen >= 2) {
        out.write(val >> 16);
      }
      if (dlen >= 3) {
        out.write(val >> 8);
      }
      if (dlen == 4) {
        out.write(val);
      }
      if (end) {
        break;
      }
    }
    return out.toByteArray();
  }

  private static CorruptInputException corrupt(int at) {
    return new CorruptInputException("illegal base64 data at input byte " + at);
  }
}
