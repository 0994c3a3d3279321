package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.DurableHistoryStoreContract;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.TieredHistoryStore;
import io.projectindex.hub.server.testing.FakeClock;

import java.time.Duration;
import java.util.UUID;

/** The contract on PostgreSQL behind a small memory tier (4 events per project, 2 hours). */
class TieredPostgresHistoryStoreIT extends DurableHistoryStoreContract {

    @Override
    protected HistoryStore newStore(FakeClock clock) {
        return new TieredHistoryStore(PostgresHistoryStore.openBlocking(database().url(), 4, clock, new SimpleMeterRegistry()),
                clock, 4, Duration.ofHours(2));
    }

    @Override
    protected long removed(CleanupResult r) {
        return r.databaseCleaned();
    }

    @Override
    protected void corruptData(UUID eventId, String json) throws Exception {
        PostgresHistoryStoreIT.corrupt(database(), eventId, json);
    }

    @Override
    protected long corrupted() {
        return ((JdbcHistoryStore) ((TieredHistoryStore) store).durable()).corruptedEvents();
    }
}
