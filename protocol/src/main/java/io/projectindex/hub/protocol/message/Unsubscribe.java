package io.projectindex.hub.protocol.message;

import io.projectindex.hub.protocol.EventType;

import java.util.Set;
import java.util.UUID;

/**
 * {@code unsubscribe}: by {@code subscriptionId}; or subscriptions of {@code projectId} (any
 * project if null) lose {@code eventTypes} (all types if empty), and a subscription left with no
 * type is removed. No field at all removes every subscription.
 */
public record Unsubscribe(String correlationId, String subscriptionId, UUID projectId, Set<EventType> eventTypes)
        implements ClientMessage {

    public Unsubscribe {
        eventTypes = eventTypes == null ? Set.of() : Set.copyOf(eventTypes);
    }

    @Override
    public Action action() {
        return Action.UNSUBSCRIBE;
    }
}
