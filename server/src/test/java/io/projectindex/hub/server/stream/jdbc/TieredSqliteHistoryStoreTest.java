package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.DurableHistoryStoreContract;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.TieredHistoryStore;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The contract on the production shape of the embedded default: SQLite behind a memory tier of
 * only 4 events per project and 2 hours, so that reads are served by both tiers.
 */
class TieredSqliteHistoryStoreTest extends DurableHistoryStoreContract {
    @TempDir
    Path dir;

    @Override
    protected HistoryStore newStore(FakeClock clock) {
        return new TieredHistoryStore(SqliteHistoryStore.openBlocking(dir.resolve("history.db"), clock,
                new SimpleMeterRegistry()), clock, 4, Duration.ofHours(2));
    }

    @Override
    protected long removed(CleanupResult r) {
        return r.databaseCleaned();
    }

    @Override
    protected void corruptData(UUID eventId, String json) throws Exception {
        SqliteHistoryStoreTest.corrupt(dir.resolve("history.db"), eventId, json);
    }

    @Override
    protected long corrupted() {
        return ((JdbcHistoryStore) ((TieredHistoryStore) store).durable()).corruptedEvents();
    }
}
