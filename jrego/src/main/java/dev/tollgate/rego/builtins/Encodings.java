package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.StringValue;
import java.util.Base64;

/** {@code base64.*}, {@code base64url.*} and {@code hex.*}, decoding with Go's rules and messages. */
final class Encodings {
  private static final String STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final String URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Encodings() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("base64.encode", 1, (ctx, a) ->
        StringValue.of(Base64.getEncoder().encodeToString(GoText.toBytes(Args.string(a, 0)))));
    r.function("base64.decode", 1, (ctx, a) ->
        StringValue.of(GoText.fromBytes(decode(Args.string(a, 0), STD))));
    r.function("base64.is_valid", 1, (ctx, a) -> {
      if (!(a[0] instanceof StringValue s)) {
        return BooleanValue.FALSE;
      }
      try {
        decode(s.value(), STD);
        return BooleanValue.TRUE;
      } catch (BuiltinException e) {
        return BooleanValue.FALSE;
      }
    });
    r.function("base64url.encode", 1, (ctx, a) ->
        StringValue.of(Base64.getUrlEncoder().encodeToString(GoText.toBytes(Args.string(a, 0)))));
    r.function("base64url.encode_no_pad", 1, (ctx, a) -> StringValue.of(
        Base64.getUrlEncoder().withoutPadding().encodeToString(GoText.toBytes(Args.string(a, 0)))));
    r.function("base64url.decode", 1, (ctx, a) -> {
      String s = Args.string(a, 0);
      // Unpadded input is accepted (RFC 7515 appendix C).
      if (!s.endsWith("=")) {
        switch (s.length() % 4) {
          case 0 -> { }
          case 2 -> s += "==";
          case 3 -> s += "=";
          default -> throw BuiltinException.failure("illegal base64url string: " + s);
        }
      }
      return StringValue.of(GoText.fromBytes(decode(s, URL)));
    });
    r.function("hex.encode", 1, (ctx, a) -> {
      byte[] b = GoText.toBytes(Args.string(a, 0));
      char[] out = new char[b.length * 2];
      for (int i = 0; i < b.length; i++) {
        out[2 * i] = HEX[(b[i] >> 4) & 0xf];
        out[2 * i + 1] = HEX[b[i] & 0xf];
      }
      return StringValue.of(new String(out));
    });
    r.function("hex.decode", 1, (ctx, a) -> StringValue.of(GoText.fromBytes(hexDecode(Args.string(a, 0)))));
  }

  /**
   * Decodes padded base64 like Go's {@code base64.StdEncoding}: CR and LF are skipped, padding
   * is required, bits after the last byte are ignored.
   */
  static byte[] decode(String text, String alphabet) throws BuiltinException {
    byte[] src = GoText.toBytes(text);
    byte[] out = new byte[src.length / 4 * 3 + 3];
    int n = 0;
    int si = 0;
    while (true) {
      int[] q = new int[4];
      int j = 0;
      int len = 4;
      boolean end = false;
      for (; j < 4; j++) {
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
          si++;
        }
        if (si == src.length) {
          if (j == 0) {
            return java.util.Arrays.copyOf(out, n);
          }
          throw corrupt(si - j);
        }
        int c = src[si] & 0xff;
        si++;
        if (c == '=') {
          if (j < 2) {
            throw corrupt(si - 1);
          }
          if (j == 2) {
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
          while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
            si++;
          }
          if (si < src.length) {
            throw corrupt(si);
          }
          len = j;
          end = true;
          break;
        }
        int d = c < 128 ? alphabet.indexOf(c) : -1;
        if (d < 0) {
          throw corrupt(si - 1);
        }
        q[j] = d;
      }
      int bits = (q[0] << 18) | (q[1] << 12) | (q[2] << 6) | q[3];
      out[n++] = (byte) (bits >> 16);
      if (len > 2) {
        out[n++] = (byte) (bits >> 8);
      }
      if (len > 3) {
        out[n++] = (byte) bits;
      }
      if (end) {
        return java.util.Arrays.copyOf(out, n);
      }
    }
  }

  private static BuiltinException corrupt(int at) {
    return BuiltinException.failure("illegal base64 data at input byte " + at);
  }

  private static byte[] hexDecode(String text) throws BuiltinException {
    byte[] src = GoText.toBytes(text);
    byte[] out = new byte[src.length / 2];
    int j = 1;
    for (; j < src.length; j += 2) {
      int hi = Character.digit(src[j - 1] & 0xff, 16);
      int lo = Character.digit(src[j] & 0xff, 16);
      if (hi < 0) {
        throw invalidHexByte(src[j - 1]);
      }
      if (lo < 0) {
        throw invalidHexByte(src[j]);
      }
      out[j / 2] = (byte) ((hi << 4) | lo);
    }
    if (src.length % 2 == 1) {
      if (Character.digit(src[j - 1] & 0xff, 16) < 0) {
        throw invalidHexByte(src[j - 1]);
      }
      throw BuiltinException.failure("encoding/hex: odd length hex string");
    }
    return out;
  }

  /** Go's {@code %#U}: {@code U+0067 'g'}, the quoted glyph only when printable. */
  private static BuiltinException invalidHexByte(byte b) {
    int c = b & 0xff;
    String glyph = (c >= 0x20 && c < 0x7f) || (c >= 0xa1 && c != 0xad) ? " '" + (char) c + "'" : "";
    return BuiltinException.failure(String.format("encoding/hex: invalid byte: U+%04X%s", c, glyph));
  }
}
