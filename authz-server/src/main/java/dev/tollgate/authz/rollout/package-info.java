/**
 * Learning what a policy change does before it denies anyone.
 *
 * <p>{@link dev.tollgate.authz.rollout.CandidatePolicies} keeps each configured tenant's candidate
 * revision loaded (same loader as live tenants, fingerprint-polled); the server's candidate runner
 * decides sampled checks with it off the Check path. {@link dev.tollgate.authz.rollout.Replay}
 * decides recorded requests (protojson CheckRequests, or decision-log lines with their input
 * document) with one policy directory against a baseline, for {@code tollgate replay}. Dry-run
 * ({@code mode: dry_run}) lives in the Check pipeline itself; masking of logged inputs in the
 * decision log's writer.
 */
package dev.tollgate.authz.rollout;
