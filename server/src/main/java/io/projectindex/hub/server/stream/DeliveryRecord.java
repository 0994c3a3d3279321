package io.projectindex.hub.server.stream;

import java.util.Set;

/**
 * What history knows about the deliveries of one event: the stable client ids it was written to
 * (the {@code client_delivered} column, at most {@link #MAX_CLIENTS} of them) and how many times
 * it was sent as a replay ({@code replay_count}).
 */
public record DeliveryRecord(Set<String> clientIds, long replayCount) {
    /** Client ids remembered per event (1000); past that an event may be replayed again to a client. */
    public static final int MAX_CLIENTS = 1000;

    public static final DeliveryRecord NONE = new DeliveryRecord(Set.of(), 0);

    public DeliveryRecord {
        clientIds = Set.copyOf(clientIds);
        if (replayCount < 0) {
            throw new IllegalArgumentException("replayCount must be >= 0, was " + replayCount);
        }
    }
}
