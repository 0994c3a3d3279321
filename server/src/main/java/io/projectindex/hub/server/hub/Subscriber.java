package io.projectindex.hub.server.hub;

import io.projectindex.hub.server.stream.StoredEvent;

/**
 * What the hub needs from a connection. Every method is called on the connection's own event
 * loop (the loop of the {@link Shard} it belongs to).
 */
public interface Subscriber {

    SubscriptionSet subscriptions();

    /** A live event in scope of at least one of this connection's subscriptions. */
    void deliverLive(StoredEvent event);
}
