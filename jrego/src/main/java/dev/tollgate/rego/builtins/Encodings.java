package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.BooleanValue;
import dev.tollgate.rego.value.StringValue;
import java.util.Base64;

/** {@code base64.*}, {@code base64url.*} and {@code hex.*}, decoding with Go's rules and messages. */
final class Encodings {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Encodings() {}

  static void register(BuiltinRegistry.Builder r) {
    r.function("base64.encode", 1, (ctx, a) ->
        StringValue.of(Base64.getEncoder().encodeToString(GoText.toBytes(Args.string(a, 0)))));
    r.function("base64.decode", 1, (ctx, a) ->
        StringValue.of(GoText.fromBytes(base64(Args.string(a, 0), false))));
    r.function("base64.is_valid", 1, (ctx, a) -> {
      if (!(a[0] instanceof StringValue s)) {
        return BooleanValue.FALSE;
      }
      try {
        base64(s.value(), false);
        return BooleanValue.TRUE;
      } catch (BuiltinException e) {
        return BooleanValue.FALSE;
      }
    });
    r.function("base64url.encode", 1, (ctx, a) ->
        StringValue.of(Base64.getUrlEncoder().encodeToString(GoText.toBytes(Args.string(a, 0)))));
    r.function("base64url.encode_no_pad", 1, (ctx, a) -> StringValue.of(
        Base64.getUrlEncoder().withoutPadding().encodeToString(GoText.toBytes(Args.string(a, 0)))));
    r.function("base64url.decode", 1, (ctx, a) ->
        StringValue.of(GoText.fromBytes(base64(Args.string(a, 0), true))));
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

  /** Go's padded base64 decoding; {@code base64url} input may omit its padding, as in OPA. */
  private static byte[] base64(String text, boolean url) throws BuiltinException {
    try {
      return url ? GoBase64.decodeUrlLenient(text) : GoBase64.decodeStd(text);
    } catch (GoBase64.CorruptInputException e) {
      throw BuiltinException.failure(e.getMessage());
    }
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
