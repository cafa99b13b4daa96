package dev.tollgate.authz.policy.bundle;

/**
 * Size limits applied while a bundle is read, before anything is parsed.
 *
 * @param maxFileBytes largest single file (uncompressed)
 * @param maxTotalBytes largest sum of all file sizes (uncompressed); also caps what a
 *     downloaded archive may weigh
 * @param maxEntries most archive entries (files, directories and extended headers together)
 */
public record BundleLimits(long maxFileBytes, long maxTotalBytes, int maxEntries) {

  /** 64 MiB per file, 256 MiB in all, 10 000 entries. */
  public static final BundleLimits DEFAULT = new BundleLimits(64L << 20, 256L << 20, 10_000);

  public BundleLimits {
    if (maxFileBytes <= 0 || maxTotalBytes <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException(
          "bundle limits must be positive: maxFileBytes=" + maxFileBytes
              + ", maxTotalBytes=" + maxTotalBytes + ", maxEntries=" + maxEntries);
    }
    if (maxFileBytes > maxTotalBytes) {
      throw new IllegalArgumentException(
          "maxFileBytes (" + maxFileBytes + ") exceeds maxTotalBytes (" + maxTotalBytes + ")");
    }
    if (maxTotalBytes > Integer.MAX_VALUE - 8 || maxFileBytes > Integer.MAX_VALUE - 8) {
      // Files are held in byte arrays.
      throw new IllegalArgumentException("bundle limits above 2 GiB are not supported");
    }
  }

  /**
   * Bytes a decompressed archive may stream before reading stops: the file budget plus room for
   * headers and padding of every permitted entry, so a gzip bomb ends here at the latest.
   */
  long maxArchiveStreamBytes() {
    return maxTotalBytes + (long) maxEntries * 4096 + 64 * 1024;
  }
}
