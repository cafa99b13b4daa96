package dev.tollgate.authz.policy.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Writes tar.gz archives for tests, including malformed and hostile ones. */
final class TarGz {
  private final List<byte[]> blocks = new ArrayList<>();

  static TarGz archive() {
    return new TarGz();
  }

  TarGz file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  TarGz file(String name, byte[] content) {
    if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
      pax(name);
      return entry(name.substring(0, 20), '0', content, "", content.length);
    }
    return entry(name, '0', content, "", content.length);
  }

  TarGz dir(String name) {
    return entry(name, '5', new byte[0], "", 0);
  }

  TarGz link(String name, char type, String target) {
    return entry(name, type, new byte[0], target, 0);
  }

  /** A PAX extended header whose path record names the next entry. */
  TarGz pax(String path) {
    String rec = " path=" + path + "\n";
    int len = rec.getBytes(StandardCharsets.UTF_8).length;
    int total = len + String.valueOf(len).length();
    if (String.valueOf(total).length() != String.valueOf(len).length()) {
      total++;
    }
    byte[] body = (total + rec).getBytes(StandardCharsets.UTF_8);
    return entry("PaxHeaders/x", 'x', body, "", body.length);
  }

  /** A GNU long-name entry naming the next entry. */
  TarGz gnuLongName(String name) {
    byte[] body = (name + "\0").getBytes(StandardCharsets.UTF_8);
    return entry("././@LongLink", 'L', body, "", body.length);
  }

  /** A header claiming {@code size} bytes, followed by {@code content} (which may be shorter). */
  TarGz entry(String name, char type, byte[] content, String link, long size) {
    byte[] h = header(name, type, link, size);
    blocks.add(h);
    byte[] padded = new byte[(content.length + 511) / 512 * 512];
    System.arraycopy(content, 0, padded, 0, content.length);
    blocks.add(padded);
    return this;
  }

  /** A header whose checksum is wrong. */
  TarGz corruptHeader(String name) {
    byte[] h = header(name, '0', "", 0);
    h[0] ^= 1;
    blocks.add(h);
    return this;
  }

  /** Raw bytes appended as they are. */
  TarGz raw(byte[] bytes) {
    blocks.add(bytes);
    return this;
  }

  byte[] tar() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] b : blocks) {
      out.writeBytes(b);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  byte[] build() {
    return gzip(tar());
  }

  static byte[] gzip(byte[] bytes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(bytes);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] header(String name, char type, String link, long size) {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    put(h, 100, 8, "0000644");
    put(h, 108, 8, "0000000");
    put(h, 116, 8, "0000000");
    put(h, 124, 12, String.format("%011o", size));
    put(h, 136, 12, String.format("%011o", 1_700_000_000L));
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    put(h, 263, 2, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, String.format("%06o", sum) + "\0 ");
    return h;
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }
}
