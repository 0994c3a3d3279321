package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.DurableHistoryStoreContract;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.testing.FakeClock;
import io.projectindex.hub.server.testing.PostgresDatabase;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the PostgreSQL backend alone, in a database of its own. */
class PostgresHistoryStoreIT extends DurableHistoryStoreContract {

    @Override
    protected HistoryStore newStore(FakeClock clock) {
        return PostgresHistoryStore.openBlocking(database().url(), 4, clock, new SimpleMeterRegistry());
    }

    @Override
    protected long removed(CleanupResult r) {
        assertThat(r.memoryCleaned()).isZero();
        return r.databaseCleaned();
    }

    @Override
    protected void corruptData(UUID eventId, String json) throws Exception {
        corrupt(database(), eventId, json);
    }

    static void corrupt(PostgresDatabase db, UUID eventId, String json) throws Exception {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE project_index_event_history SET event_data = ?::jsonb WHERE id = ?")) {
            ps.setString(1, json);
            ps.setObject(2, eventId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @Override
    protected long corrupted() {
        return ((JdbcHistoryStore) store).corruptedEvents();
    }

    @Test
    void dataJsonbCannotKeepVerbatimComesBackUnchangedAndPassesItsChecksum() throws Exception {
        UUID p = UUID.randomUUID();
        var data = io.projectindex.hub.protocol.Json.readTree("{\"project_id\":\"" + p + "\",\"status\":\"completed\","
                + "\"files_analyzed\":1e3,\"note\":\"nul\\u0000here\",\"ratio\":1.50}");
        var e = event(UUID.randomUUID(), p, io.projectindex.hub.protocol.EventType.PROJECT_INDEX_UPDATED, data,
                io.projectindex.hub.protocol.PersistenceLevel.LONG_TERM);
        appendOne(e);
        reopen();
        var back = read(io.projectindex.hub.server.stream.ReadRequest.fromStart(p, null, 10)).events();
        assertThat(back).hasSize(1);
        assertThat(back.get(0).data()).isEqualTo(data);
        assertThat(back.get(0).data().get("files_analyzed").decimalValue()).isEqualTo(new BigDecimal("1e3"));
        assertThat(corrupted()).isZero();
        try (Connection c = database().connect();
             PreparedStatement ps = c.prepareStatement("SELECT event_data->>'files_analyzed', checksum, client_delivered,"
                     + " replay_count, expires_at > created_at FROM project_index_event_history WHERE id = ?")) {
            ps.setObject(1, e.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("1000");
                assertThat(rs.getString(2)).isEqualTo(io.projectindex.hub.server.stream.ContentHash.ofData(data));
                assertThat(rs.getString(3)).isNull();
                assertThat(rs.getInt(4)).isZero();
                assertThat(rs.getBoolean(5)).isTrue();
            }
        }
    }
}
