package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.FilterSpec;

import java.util.List;
import java.util.UUID;

/**
 * {@code subscription_ack.data}. For {@code subscribe}: the subscription as normalised, and for a
 * resume {@code recovered} (with {@code reason} when false) and the stream's current
 * {@code epoch}/{@code offset}. For {@code unsubscribe}: {@code subscription_ids} removed or
 * narrowed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionAck(
        String action,
        String subscriptionId,
        List<String> subscriptionIds,
        List<EventType> eventTypes,
        @JsonInclude(JsonInclude.Include.ALWAYS) UUID projectId,
        @JsonInclude(JsonInclude.Include.ALWAYS) UUID sessionId,
        FilterSpec filters,
        String status,
        Boolean recovered,
        String reason,
        String epoch,
        Long offset) {

    public static final String SUCCESS = "success";

    public static SubscriptionAck subscribed(String subscriptionId, List<EventType> eventTypes, UUID projectId,
                                             UUID sessionId, FilterSpec filters) {
        return new SubscriptionAck("subscribe", subscriptionId, null, eventTypes, projectId, sessionId, filters,
                SUCCESS, null, null, null, null);
    }

    /** Adds the stream position and, for a resume, whether it recovered ({@code recovered} null otherwise). */
    public SubscriptionAck withRecovery(Boolean recovered, String reason, String epoch, long offset) {
        return new SubscriptionAck(action, subscriptionId, subscriptionIds, eventTypes, projectId, sessionId, filters,
                status, recovered, reason, epoch, offset);
    }

    public static SubscriptionAck unsubscribed(List<String> subscriptionIds, UUID projectId, List<EventType> eventTypes) {
        return new SubscriptionAck("unsubscribe", null, subscriptionIds, eventTypes, projectId, null, null,
                SUCCESS, null, null, null, null);
    }
}
