package io.projectindex.hub.server.stream.jdbc;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.stream.CleanupReport;
import io.projectindex.hub.server.stream.ContentHash;
import io.projectindex.hub.server.stream.DeliveryRecord;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.StoredEvent;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The statements of the SQLite backend. Stateless, thread-safe. */
final class SqliteSql implements SqlHistory {
    private static final String EVENT_COLUMNS = "id, project_id, event_type, event_data, checksum, content_hash,"
            + " correlation_id, persistence_level, priority, created_at, seq, epoch";
    private static final String STREAM_COLUMNS = "project_id, epoch, top_offset, last_ts, removed_through, removed_until";
    private static final String NOT_DELIVERED = " AND NOT EXISTS (SELECT 1 FROM json_each(client_delivered) WHERE value = ?)";

    @Override
    public Map<UUID, StreamRow> lockStreams(Connection c, Collection<UUID> projects) throws SQLException {
        // The IMMEDIATE transaction already holds the database's write lock.
        Map<UUID, StreamRow> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + STREAM_COLUMNS
                + " FROM project_index_event_streams WHERE project_id IN (" + marks(projects.size()) + ")")) {
            int i = 1;
            for (UUID p : projects) {
                ps.setString(i++, p.toString());
            }
            SqlHistory.eachRow(ps, rs -> {
                StreamRow s = stream(rs);
                out.put(s.projectId, s);
            });
        }
        return out;
    }

    @Override
    public void insertStreams(Connection c, List<StreamRow> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO project_index_event_streams"
                + " (project_id, epoch, top_offset, last_ts, removed_through, removed_until, created_at) VALUES (?,?,?,?,0,NULL,?)")) {
            long now = System.currentTimeMillis();
            for (StreamRow s : rows) {
                ps.setString(1, s.projectId.toString());
                ps.setString(2, s.epoch);
                ps.setLong(3, s.top);
                setMillis(ps, 4, s.lastTimestamp);
                ps.setLong(5, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void updateStreams(Connection c, List<StreamRow> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE project_index_event_streams SET top_offset = ?, last_ts = ? WHERE project_id = ?")) {
            for (StreamRow s : rows) {
                ps.setLong(1, s.top);
                setMillis(ps, 2, s.lastTimestamp);
                ps.setString(3, s.projectId.toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Map<UUID, EventRow> findEvents(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, EventRow> out = new HashMap<>();
        List<UUID> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
                    + " FROM project_index_event_history WHERE id IN (" + marks(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i).toString());
                }
                SqlHistory.eachRow(ps, rs -> {
                    EventRow r = event(rs);
                    out.put(r.id(), r);
                });
            }
        }
        return out;
    }

    @Override
    public void insertEvents(Connection c, List<StoredEvent> events, boolean ignoreConflicts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO project_index_event_history (id, project_id, seq,"
                + " epoch, event_type, event_data, correlation_id, persistence_level, priority, checksum, content_hash,"
                + " replay_count, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,0,?,?)"
                + (ignoreConflicts ? " ON CONFLICT DO NOTHING" : ""))) {
            for (StoredEvent e : events) {
                ps.setString(1, e.id().toString());
                ps.setString(2, e.projectId().toString());
                ps.setLong(3, e.offset());
                ps.setString(4, e.epoch());
                ps.setString(5, e.type().wire());
                ps.setString(6, new String(e.dataJson(), StandardCharsets.UTF_8));
                ps.setString(7, e.correlationId());
                ps.setString(8, e.persistence().wire());
                ps.setString(9, e.priority().wire());
                ps.setString(10, ContentHash.ofData(e.data()));
                ps.setString(11, e.contentHash());
                ps.setLong(12, e.timestamp().toEpochMilli());
                setMillis(ps, 13, e.expiresAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void addDelivered(Connection c, List<WriteQueue.Mark> marks) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE project_index_event_history"
                + " SET client_delivered = json_insert(COALESCE(client_delivered, '[]'), '$[#]', ?)"
                + " WHERE id = ? AND json_array_length(COALESCE(client_delivered, '[]')) < " + DeliveryRecord.MAX_CLIENTS
                + NOT_DELIVERED)) {
            for (WriteQueue.Mark m : marks) {
                ps.setString(1, m.clientId());
                ps.setString(2, m.eventId().toString());
                ps.setString(3, m.clientId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void addReplays(Connection c, Map<UUID, Integer> counts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE project_index_event_history SET replay_count = replay_count + ? WHERE id = ?")) {
            for (Map.Entry<UUID, Integer> e : counts.entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setString(2, e.getKey().toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public List<EventRow> selectEvents(Connection c, ReadRequest r, int limit) throws SQLException {
        StringBuilder q = new StringBuilder("SELECT ").append(EVENT_COLUMNS)
                .append(" FROM project_index_event_history WHERE project_id = ?");
        if (r.afterOffset() != null) {
            q.append(" AND seq > ?");
        } else if (r.afterTime() != null) {
            q.append(" AND created_at > ?");
        }
        List<EventType> types = new ArrayList<>(r.types());
        if (!r.allTypes()) {
            q.append(" AND event_type IN (").append(marks(types.size())).append(")");
        }
        if (r.excludeDeliveredTo() != null) {
            q.append(NOT_DELIVERED);
        }
        q.append(" ORDER BY seq LIMIT ?");
        try (PreparedStatement ps = c.prepareStatement(q.toString())) {
            int i = 1;
            ps.setString(i++, r.projectId().toString());
            if (r.afterOffset() != null) {
                ps.setLong(i++, r.afterOffset());
            } else if (r.afterTime() != null) {
                ps.setLong(i++, r.afterTime().toEpochMilli());
            }
            if (!r.allTypes()) {
                for (EventType t : types) {
                    ps.setString(i++, t.wire());
                }
            }
            if (r.excludeDeliveredTo() != null) {
                ps.setString(i++, r.excludeDeliveredTo());
            }
            ps.setInt(i, limit);
            List<EventRow> out = new ArrayList<>();
            SqlHistory.eachRow(ps, rs -> out.add(event(rs)));
            return out;
        }
    }

    @Override
    public StreamRow selectStream(Connection c, UUID projectId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + STREAM_COLUMNS
                + " FROM project_index_event_streams WHERE project_id = ?")) {
            ps.setString(1, projectId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? stream(rs) : null;
            }
        }
    }

    @Override
    public Set<Long> selectOffsets(Connection c, UUID projectId, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq FROM project_index_event_history WHERE project_id = ? AND seq BETWEEN ? AND ?")) {
            ps.setString(1, projectId.toString());
            ps.setLong(2, from);
            ps.setLong(3, to);
            Set<Long> out = new java.util.HashSet<>();
            SqlHistory.eachRow(ps, rs -> out.add(rs.getLong(1)));
            return out;
        }
    }

    @Override
    public DeliveryRecord selectDeliveries(Connection c, UUID eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT client_delivered, replay_count FROM project_index_event_history WHERE id = ?")) {
            ps.setString(1, eventId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return DeliveryRecord.NONE;
                }
                return new DeliveryRecord(clients(rs.getString(1)), rs.getLong(2));
            }
        }
    }

    static Set<String> clients(String json) {
        Set<String> out = new LinkedHashSet<>();
        if (json != null) {
            Json.readTree(json).forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    @Override
    public List<Removed> deleteExpired(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM project_index_event_history WHERE id IN"
                + " (SELECT id FROM project_index_event_history WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ?)"
                + " RETURNING project_id, seq, created_at")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setInt(2, limit);
            List<Removed> out = new ArrayList<>();
            SqlHistory.eachRow(ps, rs -> out.add(new Removed(UUID.fromString(rs.getString(1)), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)))));
            return out;
        }
    }

    @Override
    public void noteRemoved(Connection c, UUID projectId, CleanupReport.Removal removal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE project_index_event_streams"
                + " SET removed_through = MAX(removed_through, ?), removed_until = MAX(COALESCE(removed_until, 0), ?)"
                + " WHERE project_id = ?")) {
            ps.setLong(1, removal.removedThrough());
            ps.setLong(2, removal.removedUntil().toEpochMilli());
            ps.setString(3, projectId.toString());
            ps.executeUpdate();
        }
    }

    @Override
    public void ping(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM project_index_event_streams WHERE 0")) {
            rs.next();
        }
    }

    @Override
    public boolean isRetryable(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED");
    }

    private static StreamRow stream(ResultSet rs) throws SQLException {
        return new StreamRow(UUID.fromString(rs.getString(1)), rs.getString(2), rs.getLong(3), millis(rs, 4),
                rs.getLong(5), millis(rs, 6));
    }

    private static EventRow event(ResultSet rs) throws SQLException {
        return new EventRow(UUID.fromString(rs.getString(1)), UUID.fromString(rs.getString(2)), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                Instant.ofEpochMilli(rs.getLong(10)), rs.getLong(11), rs.getString(12));
    }

    private static Instant millis(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, java.sql.Types.BIGINT);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    static String marks(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }
}
