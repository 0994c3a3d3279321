package io.projectindex.hub.server.hub;

import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.stream.StoredEvent;

/**
 * What the hub needs from a connection. Every method is called on the connection's own event
 * loop (the loop of the {@link Shard} it belongs to).
 */
public interface Subscriber {

    SubscriptionSet subscriptions();

    /**
     * A live event in scope of at least one of this connection's subscriptions, with its facts
     * (computed once per event) and the global rules' decision; the connection applies its
     * preferences and subscription filters ({@link SubscriptionSet#evaluate}).
     */
    void deliverLive(StoredEvent event, EventFacts facts, FilterDecision global);

    /**
     * The live stream of a project this connection listens to (by project or by wildcard) has a
     * hole or a new epoch on this node (multi-node operation), in order with the live events.
     */
    default void streamReset(StreamReset reset) {
    }
}
