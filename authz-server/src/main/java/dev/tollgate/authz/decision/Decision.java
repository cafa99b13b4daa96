package dev.tollgate.authz.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The engine-neutral decision for one check, read from the policy result as OPA-Envoy reads it.
 *
 * @param allowed                 allow or deny
 * @param reason                  why (code for the reason header and metadata)
 * @param detail                  a human explanation for denies the server made itself; empty for policy results
 * @param httpStatus              status for a deny
 * @param headers                 {@code headers}: added to the upstream request (allow) or the deny response
 * @param responseHeadersToAdd    {@code response_headers_to_add}
 * @param requestHeadersToRemove  {@code request_headers_to_remove}
 * @param queryParametersToSet    {@code query_parameters_to_set}
 * @param queryParametersToRemove {@code query_parameters_to_remove}
 * @param body                    {@code body} of a deny
 * @param dynamicMetadata         {@code dynamic_metadata} from the policy (empty object when none)
 * @param raw                     the policy's raw result (boolean or object; {@code null} node when no policy ran),
 *                                kept for later stages that read extra fields (e.g. {@code rate_limit})
 */
public record Decision(boolean allowed, Reason reason, String detail, int httpStatus, List<Header> headers,
                       List<Header> responseHeadersToAdd, List<String> requestHeadersToRemove,
                       List<Header> queryParametersToSet, List<String> queryParametersToRemove,
                       Optional<String> body, ObjectNode dynamicMetadata, JsonNode raw) {
    public Decision {
        headers = List.copyOf(headers);
        responseHeadersToAdd = List.copyOf(responseHeadersToAdd);
        requestHeadersToRemove = List.copyOf(requestHeadersToRemove);
        queryParametersToSet = List.copyOf(queryParametersToSet);
        queryParametersToRemove = List.copyOf(queryParametersToRemove);
    }

    /** A deny made by the server itself (no policy result). */
    public static Decision deny(Reason reason, String detail) {
        return new Decision(false, reason, detail, reason.httpStatus(), List.of(), List.of(), List.of(), List.of(),
                List.of(), Optional.empty(), DecisionReader.emptyObject(), NullNode.getInstance());
    }

    /** An allow made by the server itself (fail-open). */
    public static Decision allow(Reason reason, String detail) {
        return new Decision(true, reason, detail, 200, List.of(), List.of(), List.of(), List.of(), List.of(),
                Optional.empty(), DecisionReader.emptyObject(), NullNode.getInstance());
    }

    /** This decision turned into a deny for {@code newReason}, keeping the raw result (for later stages). */
    public Decision deniedBy(Reason newReason, String newDetail) {
        return new Decision(false, newReason, newDetail, newReason.httpStatus(), List.of(), List.of(), List.of(),
                List.of(), List.of(), Optional.empty(), dynamicMetadata, raw);
    }

    /** Metadata key (and decision-log field) carrying the reason a dry-run tenant would have denied with. */
    public static final String WOULD_DENY_REASON = "would_deny_reason";

    /**
     * This deny answered as an allow for a tenant in {@code mode: dry_run}: reason {@code dry_run_would_deny},
     * nothing of the deny response, and the would-be reason in the dynamic metadata.
     */
    public Decision allowedByDryRun() {
        ObjectNode metadata = dynamicMetadata.deepCopy();
        metadata.put(WOULD_DENY_REASON, reason.code());
        return new Decision(true, Reason.DRY_RUN_WOULD_DENY, detail, 200, List.of(), List.of(), List.of(), List.of(),
                List.of(), Optional.empty(), metadata, raw);
    }
}
