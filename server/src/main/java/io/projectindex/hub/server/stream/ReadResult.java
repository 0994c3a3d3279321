package io.projectindex.hub.server.stream;

import java.time.Instant;
import java.util.List;

/**
 * The answer to a {@link ReadRequest}.
 *
 * @param events         matching events, oldest first
 * @param hasMore        more matching events exist after the last one returned
 * @param head           the stream's epoch and newest offset when it was read
 * @param removedThrough the highest offset ever removed from this stream's history by eviction or
 *                       expiry (0 if none): a reader positioned before it may have missed events
 * @param removedUntil   the newest timestamp of any removed event, or null if none was removed
 */
public record ReadResult(List<StoredEvent> events, boolean hasMore, StreamPosition head, long removedThrough,
                         Instant removedUntil) {
    public ReadResult {
        events = List.copyOf(events);
    }

    /** True when history still holds every event after {@code offset}. */
    public boolean completeAfter(long offset) {
        return offset >= removedThrough;
    }

    /** True when history still holds every event newer than {@code time}. */
    public boolean completeAfter(Instant time) {
        return removedUntil == null || !removedUntil.isAfter(time);
    }
}
