package io.projectindex.hub.server.stream.jdbc;

import io.projectindex.hub.protocol.EventType;
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
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The statements of the PostgreSQL backend. Stateless, thread-safe. */
final class PostgresSql implements SqlHistory {
    private static final String EVENT_COLUMNS = "id, project_id, event_type, COALESCE(event_data_raw, event_data::text),"
            + " checksum, content_hash, correlation_id, persistence_level, priority, created_at, seq, epoch";
    private static final String STREAM_COLUMNS = "project_id, epoch, top_offset, last_ts, removed_through, removed_until";
    private static final String DELIVERED = "COALESCE(client_delivered, '[]'::jsonb)";

    @Override
    public Map<UUID, StreamRow> lockStreams(Connection c, Collection<UUID> projects) throws SQLException {
        // Ordered, so two writers locking overlapping sets of projects cannot deadlock.
        Map<UUID, StreamRow> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + STREAM_COLUMNS
                + " FROM project_index_event_streams WHERE project_id = ANY(?) ORDER BY project_id FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("uuid", projects.toArray()));
            SqlHistory.eachRow(ps, rs -> {
                StreamRow s = stream(rs);
                out.put(s.projectId, s);
            });
        }
        return out;
    }

    @Override
    public void insertStreams(Connection c, List<StreamRow> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO project_index_event_streams (project_id, epoch, top_offset, last_ts) VALUES (?,?,?,?)")) {
            for (StreamRow s : rows) {
                ps.setObject(1, s.projectId);
                ps.setString(2, s.epoch);
                ps.setLong(3, s.top);
                setInstant(ps, 4, s.lastTimestamp);
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
                setInstant(ps, 2, s.lastTimestamp);
                ps.setObject(3, s.projectId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Map<UUID, EventRow> findEvents(Connection c, Collection<UUID> ids) throws SQLException {
        Map<UUID, EventRow> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
                + " FROM project_index_event_history WHERE id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            SqlHistory.eachRow(ps, rs -> {
                EventRow r = event(rs);
                out.put(r.id(), r);
            });
        }
        return out;
    }

    @Override
    public void insertEvents(Connection c, List<StoredEvent> events, boolean ignoreConflicts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO project_index_event_history (id, project_id,"
                + " event_type, event_data, correlation_id, persistence_level, checksum, replay_count, created_at,"
                + " expires_at, seq, epoch, priority, content_hash, event_data_raw)"
                + " VALUES (?,?,?,?::jsonb,?,?,?,0,?,?,?,?,?,?,?)" + (ignoreConflicts ? " ON CONFLICT DO NOTHING" : ""))) {
            for (StoredEvent e : events) {
                boolean verbatim = JsonbText.keepsVerbatim(e.data());
                ps.setObject(1, e.id());
                ps.setObject(2, e.projectId());
                ps.setString(3, e.type().wire());
                ps.setString(4, verbatim ? new String(e.dataJson(), StandardCharsets.UTF_8) : JsonbText.storable(e.data()));
                ps.setString(5, e.correlationId());
                ps.setString(6, e.persistence().wire());
                ps.setString(7, ContentHash.ofData(e.data()));
                setInstant(ps, 8, e.timestamp());
                setInstant(ps, 9, e.expiresAt());
                ps.setLong(10, e.offset());
                ps.setString(11, e.epoch());
                ps.setString(12, e.priority().wire());
                ps.setString(13, e.contentHash());
                if (verbatim) {
                    ps.setNull(14, Types.VARCHAR);
                } else {
                    ps.setString(14, new String(e.dataJson(), StandardCharsets.UTF_8));
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void addDelivered(Connection c, List<WriteQueue.Mark> marks) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE project_index_event_history"
                + " SET client_delivered = " + DELIVERED + " || jsonb_build_array(?::text)"
                + " WHERE id = ? AND jsonb_array_length(" + DELIVERED + ") < " + DeliveryRecord.MAX_CLIENTS
                + " AND NOT " + DELIVERED + " @> jsonb_build_array(?::text)")) {
            for (WriteQueue.Mark m : marks) {
                ps.setString(1, m.clientId());
                ps.setObject(2, m.eventId());
                ps.setString(3, m.clientId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void addReplays(Connection c, Map<UUID, Integer> counts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE project_index_event_history SET replay_count = COALESCE(replay_count, 0) + ? WHERE id = ?")) {
            for (Map.Entry<UUID, Integer> e : counts.entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setObject(2, e.getKey());
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
        if (!r.allTypes()) {
            q.append(" AND event_type = ANY(?)");
        }
        if (r.excludeDeliveredTo() != null) {
            q.append(" AND NOT ").append(DELIVERED).append(" @> jsonb_build_array(?::text)");
        }
        q.append(" ORDER BY seq LIMIT ?");
        try (PreparedStatement ps = c.prepareStatement(q.toString())) {
            int i = 1;
            ps.setObject(i++, r.projectId());
            if (r.afterOffset() != null) {
                ps.setLong(i++, r.afterOffset());
            } else if (r.afterTime() != null) {
                setInstant(ps, i++, r.afterTime());
            }
            if (!r.allTypes()) {
                ps.setArray(i++, c.createArrayOf("text", r.types().stream().map(EventType::wire).toArray()));
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
            ps.setObject(1, projectId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? stream(rs) : null;
            }
        }
    }

    @Override
    public java.util.Set<Long> selectOffsets(Connection c, UUID projectId, long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq FROM project_index_event_history WHERE project_id = ? AND seq BETWEEN ? AND ?")) {
            ps.setObject(1, projectId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            java.util.Set<Long> out = new java.util.HashSet<>();
            SqlHistory.eachRow(ps, rs -> out.add(rs.getLong(1)));
            return out;
        }
    }

    @Override
    public DeliveryRecord selectDeliveries(Connection c, UUID eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT client_delivered::text, COALESCE(replay_count, 0) FROM project_index_event_history WHERE id = ?")) {
            ps.setObject(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return DeliveryRecord.NONE;
                }
                return new DeliveryRecord(SqliteSql.clients(rs.getString(1)), rs.getLong(2));
            }
        }
    }

    @Override
    public List<Removed> deleteExpired(Connection c, Instant now, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM project_index_event_history WHERE id IN"
                + " (SELECT id FROM project_index_event_history WHERE expires_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " RETURNING project_id, seq, created_at")) {
            setInstant(ps, 1, now);
            ps.setInt(2, limit);
            List<Removed> out = new ArrayList<>();
            SqlHistory.eachRow(ps, rs -> out.add(new Removed(rs.getObject(1, UUID.class), rs.getLong(2), instant(rs, 3))));
            return out;
        }
    }

    @Override
    public void noteRemoved(Connection c, UUID projectId, CleanupReport.Removal removal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE project_index_event_streams"
                + " SET removed_through = GREATEST(removed_through, ?), removed_until = GREATEST(removed_until, ?)"
                + " WHERE project_id = ?")) {
            ps.setLong(1, removal.removedThrough());
            setInstant(ps, 2, removal.removedUntil());
            ps.setObject(3, projectId);
            ps.executeUpdate();
        }
    }

    @Override
    public void ping(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    @Override
    public boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        // unique violation (a concurrent writer stored the same id or stream), serialization failure, deadlock
        return "23505".equals(state) || "40001".equals(state) || "40P01".equals(state);
    }

    private static StreamRow stream(ResultSet rs) throws SQLException {
        return new StreamRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3), instant(rs, 4),
                rs.getLong(5), instant(rs, 6));
    }

    private static EventRow event(ResultSet rs) throws SQLException {
        return new EventRow(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), instant(rs, 10),
                rs.getLong(11), rs.getString(12));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        }
    }
}
