package io.projectindex.hub.server.stream;

import io.vertx.core.Future;

import java.time.Instant;

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
}
