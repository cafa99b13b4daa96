package dev.tollgate.authz.policy.bundle;

/**
 * Hears what a {@link BundlePoller} does. Called on the poller's thread; keep it short. An
 * exception thrown here is swallowed so that polling goes on.
 */
public interface BundleListener {
  /** A new bundle was downloaded, validated and is now current. */
  void activated(Bundle bundle);

  /**
   * A poll failed (download error, HTTP error status or invalid bundle). The previous bundle,
   * if any, stays current.
   */
  void failed(BundleException error);

  /** The server answered 304 Not Modified; the current bundle stays. */
  default void notModified() {}
}
