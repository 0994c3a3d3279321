package io.projectindex.hub.server.stream;

import io.projectindex.hub.protocol.EventType;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A history read: events of one project strictly after {@code afterOffset} or strictly after
 * {@code afterTime} (at most one of them; neither means from the oldest retained event), of the
 * given types, oldest first, at most {@code limit}. With {@code excludeDeliveredTo} (a stable
 * client id) events already delivered to that client are left out, and {@code limit} counts only
 * the events returned.
 */
public record ReadRequest(UUID projectId, Long afterOffset, Instant afterTime, Set<EventType> types, int limit,
                          String excludeDeliveredTo) {
    public ReadRequest {
        if (afterOffset != null && afterTime != null) {
            throw new IllegalArgumentException("read by offset or by time, not both");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
        types = types == null || types.isEmpty() ? EventType.ALL : Set.copyOf(types);
    }

    public ReadRequest(UUID projectId, Long afterOffset, Instant afterTime, Set<EventType> types, int limit) {
        this(projectId, afterOffset, afterTime, types, limit, null);
    }

    /** The same read, leaving out events already delivered to {@code clientId} (null: leave none out). */
    public ReadRequest excludingDeliveredTo(String clientId) {
        return new ReadRequest(projectId, afterOffset, afterTime, types, limit, clientId);
    }

    /** True when every event type is wanted. */
    public boolean allTypes() {
        return types.size() == EventType.values().length;
    }

    public static ReadRequest afterOffset(UUID projectId, long offset, Set<EventType> types, int limit) {
        return new ReadRequest(projectId, offset, null, types, limit);
    }

    public static ReadRequest afterTime(UUID projectId, Instant time, Set<EventType> types, int limit) {
        return new ReadRequest(projectId, null, time, types, limit);
    }

    public static ReadRequest fromStart(UUID projectId, Set<EventType> types, int limit) {
        return new ReadRequest(projectId, null, null, types, limit);
    }

    public boolean matches(StoredEvent e) {
        return types.contains(e.type());
    }
}
