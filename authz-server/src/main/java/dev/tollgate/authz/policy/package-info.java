/**
 * Putting tenants' policies into service and keeping them current.
 *
 * <p>{@link dev.tollgate.authz.policy.PolicyLifecycle} owns it: a {@link
 * dev.tollgate.authz.policy.DirectoryReloader} for the folder tenants of the policy directory
 * (content fingerprints checked after debounced WatchService events and on a timer, so Kubernetes
 * ConfigMap link swaps are seen too) and a {@link dev.tollgate.authz.policy.bundle.BundlePoller}
 * per {@link dev.tollgate.authz.policy.BundleTenant} of the server config. Loads compile on those
 * background threads; a good load replaces the tenant in the {@link
 * dev.tollgate.authz.tenant.TenantRegistry} snapshot, a failed one keeps the last good policy and
 * records the error. {@link dev.tollgate.authz.policy.ReloadStats} is the immutable view of what
 * happened, for /ready and metrics.
 */
package dev.tollgate.authz.policy;
