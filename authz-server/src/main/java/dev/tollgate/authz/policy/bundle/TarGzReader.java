package dev.tollgate.authz.policy.bundle;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the regular files of a gzip-compressed tar archive (ustar, PAX and GNU long-name forms,
 * as written by {@code opa build}, Go's archive/tar and GNU tar). Links, devices, FIFOs and
 * sparse files are refused, never skipped: a bundle that relies on them is not what it seems.
 * Every size is checked against {@link BundleLimits} before bytes are read, and the decompressed
 * stream as a whole is capped, so a gzip bomb stops early.
 */
final class TarGzReader {
  private static final int BLOCK = 512;
  // Largest PAX or GNU long-name header we accept; real ones are a few hundred bytes.
  private static final int MAX_META_BYTES = 64 * 1024;

  private final BundleLimits limits;

  TarGzReader(BundleLimits limits) {
    this.limits = limits;
  }

  List<RawFile> read(InputStream compressed) throws BundleException {
    try (InputStream gz = new GZIPInputStream(compressed, 64 * 1024)) {
      CappedStream in = new CappedStream(gz, limits.maxArchiveStreamBytes());
      return readTar(in);
    } catch (ZipException e) {
      throw BundleException.of("not a gzip-compressed archive: " + e.getMessage());
    } catch (EOFException e) {
      throw BundleException.of("archive is truncated");
    } catch (IOException e) {
      throw BundleException.of("archive read failed: " + e.getMessage());
    }
  }

  private List<RawFile> readTar(CappedStream in) throws IOException, BundleException {
    List<RawFile> files = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    byte[] header = new byte[BLOCK];
    String longName = null;
    String paxPath = null;
    Long paxSize = null;
    long total = 0;
    int entries = 0;
    while (true) {
      if (!readBlockOrEnd(in, header)) {
        break;
      }
      if (isZero(header)) {
        break; // end-of-archive marker
      }
      entries++;
      if (entries > limits.maxEntries()) {
        throw BundleException.of(
            "archive has more than " + limits.maxEntries() + " entries (limit maxEntries)");
      }
      verifyChecksum(header);
      char type = (char) (header[156] & 0xff);
      String headerName = headerName(header);
      long headerSize = parseSize(header, headerName);
      String name = paxPath != null ? paxPath : longName != null ? longName : headerName;
      switch (type) {
        case 'x' -> {
          byte[] meta = readMeta(in, headerSize, headerName, "PAX header");
          PaxRecords pax = PaxRecords.parse(meta, headerName);
          paxPath = pax.path();
          paxSize = pax.size();
          continue;
        }
        case 'g' -> {
          // Global PAX records carry nothing a bundle needs (mtime, charset); read and drop.
          readMeta(in, headerSize, headerName, "PAX global header");
          continue;
        }
        case 'L' -> {
          longName = cString(readMeta(in, headerSize, headerName, "GNU long name"));
          continue;
        }
        case 'K' -> {
          String target = cString(readMeta(in, headerSize, headerName, "GNU long link name"));
          throw BundleException.at(EntryPaths.show(name), "link entries are not allowed (to "
              + EntryPaths.show(target) + ")");
        }
        default -> {}
      }
      // A PAX size record overrides the header's (which tops out at 8 GiB).
      long size = paxSize != null ? paxSize : headerSize;
      longName = null;
      paxPath = null;
      paxSize = null;
      if ((type == '0' || type == '\0') && name.endsWith("/") && size == 0) {
        type = '5'; // pre-POSIX archives mark directories only by the trailing slash
      }
      switch (type) {
        case '0', '\0', '7' -> {
          String path = EntryPaths.normalizeFile(name);
          if (size > limits.maxFileBytes()) {
            throw BundleException.at(path, "file size " + size + " bytes exceeds the limit of "
                + limits.maxFileBytes() + " bytes (maxFileBytes)");
          }
          total += size;
          if (total > limits.maxTotalBytes()) {
            throw BundleException.at(path, "bundle size exceeds the limit of "
                + limits.maxTotalBytes() + " bytes (maxTotalBytes)");
          }
          if (!seen.add(path)) {
            throw BundleException.at(path, "archive contains this file more than once");
          }
          byte[] content = new byte[(int) size];
          in.readFully(content);
          skipPadding(in, size);
          files.add(new RawFile(path, content));
        }
        case '5' -> {
          EntryPaths.normalizeDirectory(name);
          skipContent(in, size);
        }
        case '1', '2' -> throw BundleException.at(EntryPaths.show(name),
            (type == '1' ? "hard link" : "symbolic link") + " entries are not allowed (to "
                + EntryPaths.show(cString(slice(header, 157, 100))) + ")");
        case '3', '4' -> throw BundleException.at(EntryPaths.show(name),
            "device entries are not allowed");
        case '6' -> throw BundleException.at(EntryPaths.show(name), "FIFO entries are not allowed");
        case 'S' -> throw BundleException.at(EntryPaths.show(name),
            "sparse file entries are not allowed");
        default -> throw BundleException.at(EntryPaths.show(name),
            "unsupported archive entry type '" + printable(type) + "'");
      }
    }
    if (longName != null || paxPath != null) {
      throw BundleException.of("archive ends after an extended header without its entry");
    }
    return files;
  }

  private static String printable(char type) {
    return type >= 0x21 && type < 0x7f ? String.valueOf(type) : String.format("\\x%02x", (int) type);
  }

  private static boolean readBlockOrEnd(CappedStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0) {
      return false; // tolerated: archive without end-of-archive blocks
    }
    if (n < BLOCK) {
      throw new EOFException();
    }
    return true;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static void verifyChecksum(byte[] header) throws BundleException {
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : header[i];
      unsigned += b & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : header[i];
    }
    long stored = parseOctal(header, 148, 8);
    if (stored < 0 || (stored != unsigned && stored != signed)) {
      throw BundleException.of("archive is corrupt: bad tar header checksum near entry '"
          + EntryPaths.show(headerName(header)) + "'");
    }
  }

  private static String headerName(byte[] header) {
    String name = cString(slice(header, 0, 100));
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't'
        && header[260] == 'a' && header[261] == 'r';
    // GNU format ("ustar  ") has no prefix field at this offset.
    boolean posix = ustar && header[262] == 0;
    if (posix && header[345] != 0) {
      name = cString(slice(header, 345, 155)) + "/" + name;
    }
    return name;
  }

  private static long parseSize(byte[] header, String name) throws BundleException {
    if ((header[124] & 0x80) != 0) {
      throw BundleException.at(EntryPaths.show(name), "entry size uses base-256 encoding "
          + "(files over 8 GiB are not allowed)");
    }
    long size = parseOctal(header, 124, 12);
    if (size < 0) {
      throw BundleException.at(EntryPaths.show(name), "archive is corrupt: bad size field");
    }
    return size;
  }

  /** Parses a NUL- or space-terminated octal field; -1 when malformed. */
  private static long parseOctal(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end && (b[i] == ' ' || b[i] == 0)) {
      i++;
    }
    if (i == end) {
      return 0;
    }
    long v = 0;
    for (; i < end; i++) {
      byte c = b[i];
      if (c == 0 || c == ' ') {
        break;
      }
      if (c < '0' || c > '7') {
        return -1;
      }
      v = (v << 3) + (c - '0');
    }
    return v;
  }

  private byte[] readMeta(CappedStream in, long size, String name, String what)
      throws IOException, BundleException {
    if (size > MAX_META_BYTES) {
      throw BundleException.at(EntryPaths.show(name), what + " of " + size
          + " bytes exceeds " + MAX_META_BYTES + " bytes");
    }
    byte[] meta = new byte[(int) size];
    in.readFully(meta);
    skipPadding(in, size);
    return meta;
  }

  private static void skipContent(CappedStream in, long size) throws IOException {
    long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
    in.skipFully(padded);
  }

  private static void skipPadding(CappedStream in, long size) throws IOException {
    long rem = size % BLOCK;
    if (rem != 0) {
      in.skipFully(BLOCK - rem);
    }
  }

  private static byte[] slice(byte[] b, int off, int len) {
    byte[] out = new byte[len];
    System.arraycopy(b, off, out, 0, len);
    return out;
  }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  /** The path and size records of one PAX extended header; other records are ignored. */
  private record PaxRecords(String path, Long size) {
    static PaxRecords parse(byte[] meta, String name) throws BundleException {
      String path = null;
      Long size = null;
      int i = 0;
      while (i < meta.length) {
        int space = i;
        while (space < meta.length && meta[space] != ' ') {
          space++;
        }
        int len;
        try {
          len = Integer.parseInt(new String(meta, i, space - i, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
          throw BundleException.at(EntryPaths.show(name), "malformed PAX header record");
        }
        if (len <= space - i + 1 || i + len > meta.length || meta[i + len - 1] != '\n') {
          throw BundleException.at(EntryPaths.show(name), "malformed PAX header record");
        }
        String record = new String(meta, space + 1, i + len - space - 2, StandardCharsets.UTF_8);
        int eq = record.indexOf('=');
        if (eq < 0) {
          throw BundleException.at(EntryPaths.show(name), "malformed PAX header record");
        }
        String key = record.substring(0, eq);
        String value = record.substring(eq + 1);
        if (key.equals("path")) {
          path = value;
        } else if (key.equals("size")) {
          try {
            size = Long.parseLong(value);
          } catch (NumberFormatException e) {
            size = -1L;
          }
          if (size < 0) {
            throw BundleException.at(EntryPaths.show(name), "malformed PAX size record");
          }
        } else if (key.equals("linkpath")) {
          // Only meaningful on link entries, which are refused when their header arrives.
        }
        i += len;
      }
      return new PaxRecords(path, size);
    }
  }

  /** Stops the decompressed stream at a byte budget, whatever the headers claim. */
  private static final class CappedStream extends FilterInputStream {
    private final long cap;
    private long count;

    CappedStream(InputStream in, long cap) {
      super(in);
      this.cap = cap;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
        if (count > cap) {
          throw new CapExceeded(cap);
        }
      }
      return n;
    }

    void readFully(byte[] b) throws IOException {
      int n = readNBytes(b, 0, b.length);
      if (n < b.length) {
        throw new EOFException();
      }
    }

    void skipFully(long n) throws IOException {
      byte[] buf = new byte[8192];
      while (n > 0) {
        int r = read(buf, 0, (int) Math.min(buf.length, n));
        if (r < 0) {
          throw new EOFException();
        }
        n -= r;
      }
    }
  }

  static final class CapExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    CapExceeded(long cap) {
      super("decompressed archive exceeds " + cap + " bytes (maxTotalBytes plus header allowance)");
    }
  }
}
