package io.projectindex.hub.protocol.message;

import io.projectindex.hub.protocol.EventType;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * {@code replay}: stored events of one project after {@code since} (strictly later) or after
 * {@code sinceOffset}, oldest first, at most {@code maxEvents}, then {@code replay_complete}.
 * Neither position means from the oldest retained event.
 */
public record Replay(
        String correlationId,
        UUID projectId,
        Instant since,
        Long sinceOffset,
        String epoch,
        int maxEvents,
        Set<EventType> eventTypes,
        boolean excludeDelivered) implements ClientMessage {

    public static final int DEFAULT_MAX_EVENTS = 100;
    public static final int MAX_MAX_EVENTS = 1000;

    public Replay {
        eventTypes = eventTypes == null || eventTypes.isEmpty() ? EventType.ALL : Set.copyOf(eventTypes);
    }

    @Override
    public Action action() {
        return Action.REPLAY;
    }
}
