package dev.tollgate.authz.policy.bundle;

/** What one poll of a bundle server did. */
public sealed interface PollOutcome {
  /**
   * A new bundle is current.
   *
   * @param etag the HTTP ETag it was served with ({@code ""} if none), or for a file source a
   *     fingerprint of its files' sizes and modification times
   */
  record Activated(Bundle bundle, String etag) implements PollOutcome {}

  /** 304 Not Modified: nothing changed. */
  record NotModified() implements PollOutcome {}

  /** The poll failed; the last good bundle (if any) stays current. */
  record Failed(BundleException error) implements PollOutcome {}
}
