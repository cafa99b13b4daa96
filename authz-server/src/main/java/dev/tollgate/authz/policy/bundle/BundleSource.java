package dev.tollgate.authz.policy.bundle;

import java.time.Duration;

/** Where a {@link BundlePoller} gets a tenant's bundle from, and how often it looks. */
public sealed interface BundleSource permits HttpBundleSource, FileBundleSource {
  /** Shortest wait between successful polls. */
  Duration minDelay();

  /** Longest wait between polls; also caps the retry backoff after failures. */
  Duration maxDelay();

  /** The source for messages: URL or file path. */
  String location();
}
