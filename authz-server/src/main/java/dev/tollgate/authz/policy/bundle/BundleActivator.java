package dev.tollgate.authz.policy.bundle;

/**
 * The last check before a polled bundle becomes current, e.g. compiling its modules for the
 * tenant and swapping them in. Throwing refuses the bundle: the previous one stays current and
 * the listener hears the failure, exactly as for an invalid bundle.
 */
@FunctionalInterface
public interface BundleActivator {
  /** Accepts nothing, refuses nothing. */
  BundleActivator NONE = bundle -> {};

  void activate(Bundle bundle) throws BundleException;
}
