package dev.tollgate.authz.telemetry;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The input document of a logged decision, still unmasked, with the deciding policy's mask rules.
 * Masking (and evaluating those rules) happens on the decision log's writer thread.
 *
 * @param document the input document the policy saw; never mutated
 * @param rules    the policy's {@code system.log.mask} rules, {@link MaskRules#NONE} when it has none
 */
public record LoggedInput(JsonNode document, MaskRules rules) {
    /** OPA's {@code data.system.log.mask}: what to erase from, or upsert into, a decision-log event. */
    @FunctionalInterface
    public interface MaskRules {
        MaskRules NONE = event -> null;

        /**
         * Evaluates the rules against the event ({@code {"input": ..., "decision_id": ..., ...}}).
         *
         * @return the rule's value (a set, as an array, of JSON pointers or operation objects), or null when undefined
         * @throws RuntimeException when evaluation fails; the writer then logs the input fully erased
         */
        JsonNode evaluate(JsonNode event);
    }
}
