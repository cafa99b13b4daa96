package dev.tollgate.rego.builtins;

import java.util.Arrays;

/**
 * IP addresses and networks as Go's {@code net} package sees them: addresses are 4 or 16 bytes
 * (an IPv4-mapped IPv6 address counts as IPv4), networks are an address and a mask. Parsing is
 * strict (no leading zeros in IPv4 octets, no zones), and text output matches Go's.
 */
final class GoNet {
  private GoNet() {}

  private static final byte[] V4_IN_V6_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
      (byte) 0xff};

  /** A network: {@code ip} and {@code mask} of 4 or 16 bytes each, as Go's IPNet. */
  record IpNet(byte[] ip, byte[] mask) {
    /** Go's IPNet.Contains. */
    boolean contains(byte[] addr) {
      byte[][] nm = networkNumberAndMask();
      if (nm == null) {
        return false;
      }
      byte[] nn = nm[0];
      byte[] m = nm[1];
      byte[] x = to4(addr);
      if (x != null) {
        addr = x;
      }
      if (addr.length != nn.length) {
        return false;
      }
      for (int i = 0; i < addr.length; i++) {
        if ((nn[i] & m[i]) != (addr[i] & m[i])) {
          return false;
        }
      }
      return true;
    }

    private byte[][] networkNumberAndMask() {
      byte[] nn = to4(ip);
      if (nn == null) {
        nn = ip;
        if (nn.length != 16) {
          return null;
        }
      }
      byte[] m = mask;
      if (m.length == 4) {
        if (nn.length != 4) {
          return null;
        }
      } else if (m.length == 16) {
        if (nn.length == 4) {
          m = Arrays.copyOfRange(m, 12, 16);
        }
      } else {
        return null;
      }
      return new byte[][] {nn, m};
    }

    /** Prefix length and total bits of the mask, or {0, 0} when it is not a prefix mask. */
    int[] maskSize() {
      int ones = simpleMaskLength(mask);
      return ones < 0 ? new int[] {0, 0} : new int[] {ones, mask.length * 8};
    }

    /** Go's IPNet.String. */
    @Override
    public String toString() {
      byte[][] nm = networkNumberAndMask();
      if (nm == null) {
        return "<nil>";
      }
      int l = simpleMaskLength(nm[1]);
      if (l < 0) {
        return format(nm[0]) + "/" + hex(nm[1]);
      }
      return format(nm[0]) + "/" + l;
    }
  }

  private static int simpleMaskLength(byte[] mask) {
    int n = 0;
    for (int i = 0; i < mask.length; i++) {
      int v = mask[i] & 0xff;
      if (v == 0xff) {
        n += 8;
        continue;
      }
      // A partial byte: ones then zeros, and nothing but zero bytes after it.
      while ((v & 0x80) != 0) {
        n++;
        v = (v << 1) & 0xff;
      }
      if (v != 0) {
        return -1;
      }
      for (i++; i < mask.length; i++) {
        if (mask[i] != 0) {
          return -1;
        }
      }
      break;
    }
    return n;
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return s.toString();
  }

  /** The 4-byte form of an IPv4 or IPv4-mapped address, else null (Go's IP.To4). */
  static byte[] to4(byte[] ip) {
    if (ip.length == 4) {
      return ip;
    }
    if (ip.length == 16 && Arrays.equals(ip, 0, 12, V4_IN_V6_PREFIX, 0, 12)) {
      return Arrays.copyOfRange(ip, 12, 16);
    }
    return null;
  }

  /** The 16-byte form of an address. */
  static byte[] to16(byte[] ip) {
    if (ip.length == 16) {
      return ip;
    }
    byte[] out = new byte[16];
    System.arraycopy(V4_IN_V6_PREFIX, 0, out, 0, 12);
    System.arraycopy(ip, 0, out, 12, 4);
    return out;
  }

  /** A prefix mask of {@code ones} bits out of {@code bits} (Go's CIDRMask). */
  static byte[] cidrMask(int ones, int bits) {
    byte[] m = new byte[bits / 8];
    for (int i = 0; i < m.length; i++) {
      if (ones >= 8) {
        m[i] = (byte) 0xff;
        ones -= 8;
      } else {
        m[i] = (byte) ~(0xff >> ones);
        ones = 0;
      }
    }
    return m;
  }

  /** Go's IP.Mask: the address with the mask applied, or null when their sizes disagree. */
  static byte[] mask(byte[] ip, byte[] mask) {
    if (mask.length == 16 && ip.length == 4 && allFF(mask, 12)) {
      mask = Arrays.copyOfRange(mask, 12, 16);
    }
    if (mask.length == 4 && ip.length == 16 && Arrays.equals(ip, 0, 12, V4_IN_V6_PREFIX, 0, 12)) {
      ip = Arrays.copyOfRange(ip, 12, 16);
    }
    if (ip.length != mask.length) {
      return null;
    }
    byte[] out = new byte[ip.length];
    for (int i = 0; i < ip.length; i++) {
      out[i] = (byte) (ip[i] & mask[i]);
    }
    return out;
  }

  private static boolean allFF(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] != (byte) 0xff) {
        return false;
      }
    }
    return true;
  }

  /** Class A/B/C mask for an IPv4 address (Go's IP.DefaultMask), or null for IPv6. */
  static byte[] defaultMask(byte[] ip) {
    byte[] v4 = to4(ip);
    if (v4 == null) {
      return null;
    }
    int first = v4[0] & 0xff;
    if (first < 0x80) {
      return cidrMask(8, 32);
    } else if (first < 0xc0) {
      return cidrMask(16, 32);
    }
    return cidrMask(24, 32);
  }

  /** Parsed address: 16 bytes, and whether it was written as IPv4 (not IPv4-mapped IPv6). */
  record Addr(byte[] bytes16, boolean is4) {}

  /** Parses an IPv4 or IPv6 address without zone (Go's net.ParseIP), or null. */
  static byte[] parseIp(String s) {
    Addr a = parseAddr(s);
    return a == null ? null : a.bytes16();
  }

  /** Go's netip.ParseAddr, rejecting zones; null when invalid. */
  static Addr parseAddr(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        byte[] v4 = parseV4(s);
        return v4 == null ? null : new Addr(to16(v4), true);
      }
      if (c == ':') {
        byte[] v6 = parseV6(s);
        return v6 == null ? null : new Addr(v6, false);
      }
      if (c == '%') {
        return null;
      }
    }
    return null;
  }

  private static byte[] parseV4(String s) {
    byte[] out = new byte[4];
    int field = 0;
    int val = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && val == 0) {
          return null; // leading zero
        }
        val = val * 10 + (c - '0');
        digits++;
        if (val > 255) {
          return null;
        }
      } else if (c == '.') {
        if (digits == 0 || field == 3) {
          return null;
        }
        out[field++] = (byte) val;
        val = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    if (field != 3 || digits == 0) {
      return null;
    }
    out[3] = (byte) val;
    return out;
  }

  private static byte[] parseV6(String in) {
    if (in.indexOf('%') >= 0) {
      return null; // zones are not accepted
    }
    byte[] ip = new byte[16];
    int ellipsis = -1;
    String s = in;
    if (s.length() >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      ellipsis = 0;
      s = s.substring(2);
      if (s.isEmpty()) {
        return ip;
      }
    }
    int i = 0;
    while (i < 16) {
      int off = 0;
      int acc = 0;
      while (off < s.length()) {
        int d = hexDigit(s.charAt(off));
        if (d < 0) {
          break;
        }
        acc = (acc << 4) + d;
        off++;
        if (off > 4) {
          return null;
        }
      }
      if (off == 0) {
        return null;
      }
      if (off < s.length() && s.charAt(off) == '.') {
        if (ellipsis < 0 && i != 12) {
          return null;
        }
        if (i + 4 > 16) {
          return null;
        }
        byte[] v4 = parseV4(s);
        if (v4 == null) {
          return null;
        }
        System.arraycopy(v4, 0, ip, i, 4);
        i += 4;
        s = "";
        break;
      }
      ip[i] = (byte) (acc >> 8);
      ip[i + 1] = (byte) acc;
      i += 2;
      s = s.substring(off);
      if (s.isEmpty()) {
        break;
      }
      if (s.charAt(0) != ':') {
        return null;
      }
      if (s.length() == 1) {
        return null; // trailing colon
      }
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis >= 0) {
          return null;
        }
        ellipsis = i;
        s = s.substring(1);
        if (s.isEmpty()) {
          break;
        }
      }
    }
    if (!s.isEmpty()) {
      return null;
    }
    if (i < 16) {
      if (ellipsis < 0) {
        return null;
      }
      int n = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) {
        ip[j + n] = ip[j];
      }
      for (int j = ellipsis + n - 1; j >= ellipsis; j--) {
        ip[j] = 0;
      }
    } else if (ellipsis >= 0) {
      return null; // "::" must stand for at least one group of zeros
    }
    return ip;
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** A parse failure of Go's ParseCIDR: "invalid CIDR address: X". */
  static final class CidrException extends Exception {
    private static final long serialVersionUID = 1L;

    CidrException(String text) {
      super("invalid CIDR address: " + text, null, false, false);
    }
  }

  /** Go's net.ParseCIDR: the address as written and its (masked) network. */
  record Cidr(byte[] ip, IpNet net) {}

  static Cidr parseCidr(String s) throws CidrException {
    int slash = s.indexOf('/');
    if (slash < 0) {
      throw new CidrException(s);
    }
    Addr addr = parseAddr(s.substring(0, slash));
    if (addr == null) {
      throw new CidrException(s);
    }
    String m = s.substring(slash + 1);
    int bits = addr.is4() ? 32 : 128;
    long n = 0;
    int i = 0;
    while (i < m.length() && m.charAt(i) >= '0' && m.charAt(i) <= '9') {
      n = n * 10 + (m.charAt(i) - '0');
      if (n > 0xFFFFFF) {
        throw new CidrException(s);
      }
      i++;
    }
    if (i == 0 || i != m.length() || n > bits) {
      throw new CidrException(s);
    }
    byte[] mask = cidrMask((int) n, bits);
    return new Cidr(addr.bytes16(), new IpNet(mask(addr.bytes16(), mask), mask));
  }

  /** Go's IP.String. */
  static String format(byte[] ip) {
    if (ip == null || ip.length == 0) {
      return "<nil>";
    }
    if (ip.length != 4 && ip.length != 16) {
      return "?" + hex(ip);
    }
    byte[] v4 = to4(ip);
    if (v4 != null) {
      return (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((ip[2 * i] & 0xff) << 8) | (ip[2 * i + 1] & 0xff);
    }
    // The first longest run of two or more zero groups becomes "::".
    int zeroStart = -1;
    int zeroEnd = -1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i >= 2 && j - i > zeroEnd - zeroStart) {
        zeroStart = i;
        zeroEnd = j;
      }
    }
    StringBuilder b = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == zeroStart) {
        b.append("::");
        i = zeroEnd - 1;
        continue;
      }
      if (i > 0 && i != zeroEnd) {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.toString();
  }
}
