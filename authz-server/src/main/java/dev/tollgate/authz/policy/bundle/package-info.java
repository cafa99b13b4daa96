/**
 * OPA bundles: loading, verifying and keeping them current.
 *
 * <p>A bundle is read from a {@code .tar.gz} archive or a plain directory with the same layout
 * ({@link dev.tollgate.authz.policy.bundle.BundleLoader}) into an immutable, validated {@link
 * dev.tollgate.authz.policy.bundle.Bundle}: revision, roots, manifest metadata, wasm
 * entrypoints, Rego module sources, the merged data document and any {@code policy.wasm}.
 * Anything wrong is a {@link dev.tollgate.authz.policy.bundle.BundleException} naming the entry.
 *
 * <p>Format rules follow OPA: {@code .manifest} at the root ({@code roots} default to {@code
 * [""]}, roots must not overlap, every module package, data path and wasm entrypoint must lie
 * in a root); {@code data.json}, {@code data.yaml} and {@code data.yml} are placed at their
 * directory's path and merged; a root data file must hold an object; {@code .signatures.json}
 * holds one compact JWS whose payload lists every other file with its digest (JSON and YAML
 * data and the manifest are hashed in a canonical form, other files as bytes). Entry names may
 * start with {@code /} or {@code ./}, as OPA and tar write them; {@code ..}, absolute paths
 * after that, backslashes, control characters, links, devices and FIFOs are refused. Sizes and
 * entry counts are bounded by {@link dev.tollgate.authz.policy.bundle.BundleLimits} while
 * streaming, so compressed bombs end early.
 *
 * <p>Deliberate differences from OPA: with verification configured an unsigned bundle is always
 * refused (OPA accepts it unless a key id is configured); YAML aliases are expanded within a
 * budget; duplicate archive entries, delta bundles ({@code patch.json}) and a {@code .manifest}
 * or {@code .signatures.json} below the root are refused.
 *
 * <p>{@link dev.tollgate.authz.policy.bundle.BundlePoller} keeps a tenant's bundle current from
 * an {@link dev.tollgate.authz.policy.bundle.HttpBundleSource} (ETag, 304, OPA's polling delays
 * and backoff, bearer token) or a {@link dev.tollgate.authz.policy.bundle.FileBundleSource},
 * keeps the last good bundle when a poll fails, and reports every outcome to a {@link
 * dev.tollgate.authz.policy.bundle.BundleListener}. A {@link
 * dev.tollgate.authz.policy.bundle.BundleActivator} (the tenant's compile step) may refuse a
 * valid bundle with the same last-good semantics.
 */
package dev.tollgate.authz.policy.bundle;
