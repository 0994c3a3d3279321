package io.projectindex.hub.server.stream.jdbc;

import io.projectindex.hub.server.stream.CleanupReport;
import io.projectindex.hub.server.stream.DeliveryRecord;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.StoredEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SQL of one backend: every statement the engine needs, on a connection it is given. Methods
 * used by the writer run inside its open transaction; the others on a reader's connection.
 * Implementations are stateless and thread-safe.
 */
interface SqlHistory {

    /** What to do with each row of a result, positioned on it. */
    interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    /** Runs {@code ps} as a query and hands each row of the result to {@code handler}. */
    static void eachRow(PreparedStatement ps, RowHandler handler) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                handler.row(rs);
            }
        }
    }

    /** A deleted row: enough to advance its stream's removal markers. */
    record Removed(UUID projectId, long seq, Instant createdAt) {
    }

    /** The stream rows of {@code projects} that exist, locked until the transaction ends. */
    Map<UUID, StreamRow> lockStreams(Connection c, Collection<UUID> projects) throws SQLException;

    void insertStreams(Connection c, List<StreamRow> rows) throws SQLException;

    void updateStreams(Connection c, List<StreamRow> rows) throws SQLException;

    /** Stored events with these ids, by id. */
    Map<UUID, EventRow> findEvents(Connection c, Collection<UUID> ids) throws SQLException;

    /**
     * Inserts event rows; with {@code ignoreConflicts} a row whose id or position is already
     * stored is skipped ({@code ON CONFLICT DO NOTHING}) instead of failing the transaction.
     */
    void insertEvents(Connection c, List<StoredEvent> events, boolean ignoreConflicts) throws SQLException;

    /** The offsets of a project's stored events between {@code from} and {@code to}, inclusive. */
    java.util.Set<Long> selectOffsets(Connection c, UUID projectId, long from, long to) throws SQLException;

    /** Adds each mark's client id to its event's {@code client_delivered} (once, bounded). */
    void addDelivered(Connection c, List<WriteQueue.Mark> marks) throws SQLException;

    void addReplays(Connection c, Map<UUID, Integer> counts) throws SQLException;

    /** Matching rows in offset order, at most {@code limit}. */
    List<EventRow> selectEvents(Connection c, ReadRequest r, int limit) throws SQLException;

    /** The stream row, or null if the project has none yet. */
    StreamRow selectStream(Connection c, UUID projectId) throws SQLException;

    DeliveryRecord selectDeliveries(Connection c, UUID eventId) throws SQLException;

    /** Deletes up to {@code limit} rows expired at {@code now} and says which. */
    List<Removed> deleteExpired(Connection c, Instant now, int limit) throws SQLException;

    void noteRemoved(Connection c, UUID projectId, CleanupReport.Removal removal) throws SQLException;

    /** Fails unless the backend answers a trivial query. */
    void ping(Connection c) throws SQLException;

    /** True for failures that a retry of the same transaction can resolve (unique races, busy). */
    boolean isRetryable(SQLException e);
}
