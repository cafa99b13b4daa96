package dev.tollgate.rego.builtins;

import dev.tollgate.rego.value.NumberValue;
import dev.tollgate.rego.value.ObjectValue;
import dev.tollgate.rego.value.StringValue;
import dev.tollgate.rego.value.Value;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code uuid.rfc4122} (a random version 4 UUID, the same for equal operands within one
 * evaluation) and {@code uuid.parse} (the fields OPA decodes, undefined for a malformed UUID).
 */
final class UuidBuiltins {
  /** 100-ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch. */
  private static final long GREGORIAN_TO_UNIX = 122_192_928_000_000_000L;

  private UuidBuiltins() {}

  static void register(BuiltinRegistry.Builder r) {
    r.add(new Builtin("uuid.rfc4122", 1, false, true, UuidBuiltins::rfc4122));
    r.function("uuid.parse", 1, (ctx, a) -> parse(Args.string(a, 0)));
  }

  private static Value rfc4122(BuiltinContext ctx, Value[] a) {
    Object key = List.of("uuid.rfc4122", a[0]);
    return (Value) ctx.evaluationCache().computeIfAbsent(key, k -> StringValue.of(random(ctx)));
  }

  private static String random(BuiltinContext ctx) {
    byte[] b = new byte[16];
    ctx.random().nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0F) | 0x40);
    b[8] = (byte) ((b[8] & 0x3F) | 0x80);
    String h = HexFormat.of().formatHex(b);
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
        + h.substring(16, 20) + "-" + h.substring(20);
  }

  /** The 16 bytes of a UUID in any form google/uuid accepts, or null. */
  static byte[] bytes(String text) {
    byte[] s = text.getBytes(StandardCharsets.UTF_8);
    int offset;
    switch (s.length) {
      case 36 -> offset = 0;
      case 45 -> {
        if (!new String(s, 0, 9, StandardCharsets.UTF_8).equalsIgnoreCase("urn:uuid:")) {
          return null;
        }
        offset = 9;
      }
      case 38 -> offset = 1;
      case 32 -> {
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
          int v = hexByte(s[2 * i], s[2 * i + 1]);
          if (v < 0) {
            return null;
          }
          out[i] = (byte) v;
        }
        return out;
      }
      default -> {
        return null;
      }
    }
    if (s[offset + 8] != '-' || s[offset + 13] != '-' || s[offset + 18] != '-'
        || s[offset + 23] != '-') {
      return null;
    }
    int[] at = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    byte[] out = new byte[16];
    for (int i = 0; i < 16; i++) {
      int v = hexByte(s[offset + at[i]], s[offset + at[i] + 1]);
      if (v < 0) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static int hexByte(byte hi, byte lo) {
    int h = GoText.hexDigit(hi);
    int l = GoText.hexDigit(lo);
    return h < 0 || l < 0 ? -1 : h << 4 | l;
  }

  private static Value parse(String text) {
    byte[] u = bytes(text);
    if (u == null) {
      return null;
    }
    int version = (u[6] & 0xFF) >> 4;
    ObjectValue.Builder b = ObjectValue.builder()
        .put("version", NumberValue.of(version))
        .put("variant", variant(u[8] & 0xFF));
    if (version == 1 || version == 2) {
      long time = u32(u, 0) | (long) u16(u, 4) << 32 | (long) (u16(u, 6) & 0xFFF) << 48;
      // Go's int64 arithmetic, wrapping around for times before 1970 exactly as OPA does.
      long since = time - GREGORIAN_TO_UNIX;
      long nanos = (since % 10_000_000L) * 100;
      b.put("time", NumberValue.of(since / 10_000_000L * 1_000_000_000L + nanos));
      StringBuilder node = new StringBuilder(macKind(u[10] & 0xFF)).append(':');
      node.append(HexFormat.of().formatHex(u, 10, 16));
      b.put("nodeid", node.toString());
      b.put("clocksequence", NumberValue.of(u16(u, 8) & 0x3FFF));
      if (version == 2) {
        b.put("id", NumberValue.of(u32(u, 0)));
        b.put("domain", domain(u[9] & 0xFF));
      }
    }
    return b.build();
  }

  private static long u32(byte[] b, int i) {
    return ((b[i] & 0xFFL) << 24) | ((b[i + 1] & 0xFFL) << 16) | ((b[i + 2] & 0xFFL) << 8)
        | (b[i + 3] & 0xFFL);
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  private static String variant(int b8) {
    if ((b8 & 0xC0) == 0x80) {
      return "RFC4122";
    }
    if ((b8 & 0xE0) == 0xC0) {
      return "Microsoft";
    }
    if ((b8 & 0xE0) == 0xE0) {
      return "Future";
    }
    return "Reserved";
  }

  private static String macKind(int first) {
    if ((first & 0b11) == 0b11) {
      return "local:multicast";
    }
    if ((first & 0b01) == 0b01) {
      return "global:multicast";
    }
    if ((first & 0b10) == 0b10) {
      return "local:unicast";
    }
    return "global:unicast";
  }

  private static String domain(int d) {
    return switch (d) {
      case 0 -> "Person";
      case 1 -> "Group";
      case 2 -> "Org";
      default -> "Domain" + d;
    };
  }
}
