package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.DurableHistoryStoreContract;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the SQLite backend alone (no memory tier), in a temporary directory. */
class SqliteHistoryStoreTest extends DurableHistoryStoreContract {
    @TempDir
    Path dir;

    @Override
    protected HistoryStore newStore(FakeClock clock) {
        return SqliteHistoryStore.openBlocking(dir.resolve("history.db"), clock, new SimpleMeterRegistry());
    }

    @Override
    protected long removed(CleanupResult r) {
        assertThat(r.memoryCleaned()).isZero();
        return r.databaseCleaned();
    }

    @Override
    protected void corruptData(UUID eventId, String json) throws Exception {
        corrupt(dir.resolve("history.db"), eventId, json);
    }

    static void corrupt(Path file, UUID eventId, String json) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement ps = c.prepareStatement("UPDATE project_index_event_history SET event_data = ? WHERE id = ?")) {
            ps.setString(1, json);
            ps.setString(2, eventId.toString());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @Override
    protected long corrupted() {
        return ((JdbcHistoryStore) store).corruptedEvents();
    }
}
