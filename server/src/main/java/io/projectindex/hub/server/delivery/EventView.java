package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.stream.StoredEvent;

/**
 * How one connection sees events: in full, or as the node's redaction leaves them. An
 * implementation returns an event at the same position whose wire forms (envelope, replay
 * envelope, gzip) are cached on it, so a view costs one encoding per event, not per connection.
 * Thread-safe.
 */
@FunctionalInterface
public interface EventView {
    /** Every field, as published. */
    EventView FULL = e -> e;

    /** The event whose wire forms this connection is sent. */
    StoredEvent of(StoredEvent event);
}
