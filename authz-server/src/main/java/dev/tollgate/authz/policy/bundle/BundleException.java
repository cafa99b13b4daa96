package dev.tollgate.authz.policy.bundle;

import java.util.Optional;

/**
 * A bundle that cannot be loaded: unreadable, hostile, invalid or not verifiable. The message
 * names the bundle entry at fault (when there is one) and says what is wrong with it.
 */
public final class BundleException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String entry;
  private final String reason;

  /** A bundle-level problem, e.g. raised by a {@link BundleActivator}. */
  public BundleException(String reason) {
    this(null, reason);
  }

  /**
   * A problem with one entry of the bundle.
   *
   * @param entry slash-rooted path of the entry, or null for the bundle as a whole
   */
  public BundleException(String entry, String reason) {
    super(entry == null ? reason : entry + ": " + reason);
    this.entry = entry;
    this.reason = reason;
  }

  public BundleException(String entry, String reason, Throwable cause) {
    super(entry == null ? reason : entry + ": " + reason, cause);
    this.entry = entry;
    this.reason = reason;
  }

  static BundleException of(String reason) {
    return new BundleException(null, reason);
  }

  static BundleException at(String entry, String reason) {
    return new BundleException(entry, reason);
  }

  /** The bundle entry (slash-rooted path, e.g. {@code /bank/a/data.json}) at fault, if any. */
  public Optional<String> entry() {
    return Optional.ofNullable(entry);
  }

  /** What is wrong, without the entry name. */
  public String reason() {
    return reason;
  }
}
