package dev.tollgate.rego.builtins;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A minimal DER reader for the structures the JDK has no public parser for (PKCS#1 and SEC 1
 * private keys, PKCS#10 requests) and for the raw fields Go's x509 JSON exposes.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;
  static final int BOOLEAN = 0x01;

  private Der() {}

  /** Malformed DER. */
  static final class DerException extends Exception {
    private static final long serialVersionUID = 1L;

    DerException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * One TLV element: its tag byte, the content bytes, and the full encoding.
   *
   * @param tag the identifier octet (single-byte tags only)
   * @param content the value octets
   * @param encoded the whole element, header included
   */
  record Element(int tag, byte[] content, byte[] encoded) {
    boolean isConstructed() {
      return (tag & 0x20) != 0;
    }

    /** The child elements of a constructed element. */
    List<Element> children() throws DerException {
      return readAll(content);
    }

    BigInteger integer() throws DerException {
      expect(INTEGER);
      if (content.length == 0) {
        throw new DerException("empty integer");
      }
      return new BigInteger(content);
    }

    int[] oid() throws DerException {
      expect(OID);
      return decodeOid(content);
    }

    String oidString() throws DerException {
      StringBuilder sb = new StringBuilder();
      for (int part : oid()) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(part);
      }
      return sb.toString();
    }

    /** The bytes of a BIT STRING, without the unused-bits octet. */
    byte[] bitStringBytes() throws DerException {
      expect(BIT_STRING);
      if (content.length == 0) {
        throw new DerException("empty bit string");
      }
      return Arrays.copyOfRange(content, 1, content.length);
    }

    /** Text of a string-typed element (UTF8String, PrintableString, IA5String, ...). */
    String string() throws DerException {
      return switch (tag) {
        case 0x0c, 0x13, 0x16, 0x14, 0x1a, 0x12 -> new String(content, tag == 0x0c ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        case 0x1e -> new String(content, StandardCharsets.UTF_16BE);
        case 0x1c -> new String(content, java.nio.charset.Charset.forName("UTF-32BE"));
        default -> throw new DerException("unsupported string type " + tag);
      };
    }

    void expect(int wanted) throws DerException {
      if (tag != wanted) {
        throw new DerException("tag mismatch: want " + wanted + ", got " + tag);
      }
    }
  }

  static Element read(byte[] data) throws DerException {
    List<Element> all = readAll(data);
    if (all.size() != 1) {
      throw new DerException("trailing data");
    }
    return all.getFirst();
  }

  static List<Element> readAll(byte[] data) throws DerException {
    List<Element> out = new ArrayList<>();
    int pos = 0;
    while (pos < data.length) {
      int start = pos;
      int tag = data[pos++] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        throw new DerException("high-tag-number form not supported");
      }
      if (pos >= data.length) {
        throw new DerException("truncated tag");
      }
      int len = data[pos++] & 0xff;
      if ((len & 0x80) != 0) {
        int n = len & 0x7f;
        if (n == 0 || n > 4) {
          throw new DerException("unsupported length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          if (pos >= data.length) {
            throw new DerException("truncated length");
          }
          len = (len << 8) | (data[pos++] & 0xff);
        }
        if (len < 0) {
          throw new DerException("length too large");
        }
      }
      if (len > data.length - pos) {
        throw new DerException("data truncated");
      }
      out.add(new Element(tag, Arrays.copyOfRange(data, pos, pos + len), Arrays.copyOfRange(data, start, pos + len)));
      pos += len;
    }
    return out;
  }

  static int[] decodeOid(byte[] content) throws DerException {
    if (content.length == 0) {
      throw new DerException("empty OID");
    }
    List<Long> parts = new ArrayList<>();
    long v = 0;
    for (int i = 0; i < content.length; i++) {
      v = (v << 7) | (content[i] & 0x7f);
      if ((content[i] & 0x80) == 0) {
        if (parts.isEmpty()) {
          long first = v < 80 ? v / 40 : 2;
          parts.add(first);
          parts.add(v - first * 40);
        } else {
          parts.add(v);
        }
        v = 0;
      } else if (i == content.length - 1) {
        throw new DerException("truncated OID");
      }
    }
    int[] out = new int[parts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) (long) parts.get(i);
    }
    return out;
  }

  // --- writing, for wrapping raw keys into the encodings the JDK's KeyFactory accepts

  static byte[] tlv(int tag, byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += p.length;
    }
    byte[] header;
    if (len < 0x80) {
      header = new byte[] {(byte) tag, (byte) len};
    } else if (len < 0x100) {
      header = new byte[] {(byte) tag, (byte) 0x81, (byte) len};
    } else if (len < 0x10000) {
      header = new byte[] {(byte) tag, (byte) 0x82, (byte) (len >> 8), (byte) len};
    } else {
      header = new byte[] {(byte) tag, (byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }
    byte[] out = Arrays.copyOf(header, header.length + len);
    int pos = header.length;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }

  static byte[] integer(BigInteger v) {
    return tlv(INTEGER, v.toByteArray());
  }
}
