package dev.tollgate.authz.policy.bundle;

import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link BundleLoader} reads bundles.
 *
 * @param limits size and entry-count limits
 * @param verification when present, every bundle must be signed and verify against it
 * @param skipVerification when no verification is configured, accept signed bundles without
 *     checking their signatures (OPA's {@code skip_verification}); otherwise a signed bundle
 *     without a configured key is refused, as OPA does
 */
public record BundleOptions(
    BundleLimits limits, Optional<VerificationConfig> verification, boolean skipVerification) {

  /** Default limits, no signature verification. */
  public static final BundleOptions DEFAULT =
      new BundleOptions(BundleLimits.DEFAULT, Optional.empty(), false);

  public BundleOptions {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(verification, "verification");
    if (verification.isPresent() && skipVerification) {
      throw new IllegalArgumentException(
          "skipVerification contradicts a configured verification key");
    }
  }

  /** Default limits; every bundle must be signed and verify against {@code verification}. */
  public static BundleOptions verified(VerificationConfig verification) {
    return new BundleOptions(BundleLimits.DEFAULT, Optional.of(verification), false);
  }

  public BundleOptions withLimits(BundleLimits newLimits) {
    return new BundleOptions(newLimits, verification, skipVerification);
  }
}
