package io.projectindex.hub.server.stream;

import io.vertx.core.Future;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A history backend that keeps events across restarts (SQLite, PostgreSQL). Its cleanup reports
 * per-project removals so that {@link TieredHistoryStore} can keep its in-memory markers exact.
 * Implementations are thread-safe.
 */
public interface DurableHistoryStore extends HistoryStore {

    /** Deletes expired rows in bounded batches and says what was removed. */
    Future<CleanupReport> cleanupReport(Instant now);

    @Override
    default Future<CleanupResult> cleanup(Instant now) {
        return cleanupReport(now).map(r -> new CleanupResult(0, r.deleted()));
    }

    /**
     * A stream as this store knows it, created (in a new epoch) if it does not exist yet.
     *
     * @param lastTimestamp the newest timestamp of the stream's events, or null when it has none
     */
    record Head(String epoch, long top, Instant lastTimestamp) {
        public StreamPosition position() {
            return new StreamPosition(epoch, top);
        }
    }

    /** The stream's epoch, newest offset and newest timestamp; creates the stream if it does not exist. */
    Future<Head> head(UUID projectId);

    /**
     * What a positioned insert did.
     *
     * @param stored        events that were new and are now durable
     * @param positionTaken events not stored because another event already holds their position
     *                      (the positions were handed out twice: the assigner lost writes)
     */
    record Inserted(int stored, List<StoredEvent> positionTaken) {
        public Inserted {
            positionTaken = List.copyOf(positionTaken);
        }
    }

    /**
     * Stores events whose positions and timestamps were assigned elsewhere (by Redis, in
     * multi-node operation), idempotently: an event whose id is already stored is skipped; one
     * whose position another event holds is not stored and is reported. A missing stream is
     * created in the events' epoch, and each stream's newest offset and timestamp advance to the
     * highest stored. Completes once the stored events are durable; nothing is announced.
     */
    Future<Inserted> insertPositioned(List<StoredEvent> events);
}
