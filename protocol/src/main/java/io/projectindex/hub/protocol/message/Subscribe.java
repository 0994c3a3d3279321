package io.projectindex.hub.protocol.message;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.FilterSpec;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * {@code subscribe}: receive events of {@code eventTypes} (all four when the list was empty or
 * absent) of one project (or every permitted project when {@code projectId} is null), optionally
 * only one analysis session, filtered by {@code filters}. With {@code sinceOffset} (and
 * {@code epoch}) or {@code since} the subscription resumes: missed events are sent first.
 */
public record Subscribe(
        String correlationId,
        String subscriptionId,
        Set<EventType> eventTypes,
        UUID projectId,
        UUID sessionId,
        FilterSpec filters,
        Long sinceOffset,
        String epoch,
        Instant since) implements ClientMessage {

    public Subscribe {
        eventTypes = eventTypes == null || eventTypes.isEmpty() ? EventType.ALL : Set.copyOf(eventTypes);
        filters = filters == null ? FilterSpec.DEFAULT : filters;
    }

    public boolean resumes() {
        return sinceOffset != null || since != null;
    }

    @Override
    public Action action() {
        return Action.SUBSCRIBE;
    }
}
