package io.projectindex.hub.server.stream.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The SQLite schema, versioned with {@code PRAGMA user_version}: each entry of {@link #MIGRATIONS}
 * moves the file one version up, in one transaction. The columns are those of the PostgreSQL table
 * (original design plus positions), in SQLite types: UUIDs as text, instants as epoch
 * milliseconds, JSON as text.
 */
final class SqliteSchema {
    private SqliteSchema() {
    }

    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE project_index_event_streams (
                project_id      TEXT PRIMARY KEY,
                epoch           TEXT NOT NULL,
                top_offset      INTEGER NOT NULL DEFAULT 0,
                last_ts         INTEGER,
                removed_through INTEGER NOT NULL DEFAULT 0,
                removed_until   INTEGER,
                created_at      INTEGER NOT NULL
            );
            CREATE TABLE project_index_event_history (
                id                TEXT PRIMARY KEY,
                project_id        TEXT NOT NULL,
                seq               INTEGER NOT NULL,
                epoch             TEXT NOT NULL,
                event_type        TEXT NOT NULL,
                event_data        TEXT NOT NULL,
                correlation_id    TEXT NOT NULL,
                persistence_level TEXT NOT NULL,
                priority          TEXT NOT NULL,
                checksum          TEXT NOT NULL,
                content_hash      TEXT NOT NULL,
                client_delivered  TEXT,
                replay_count      INTEGER NOT NULL DEFAULT 0,
                created_at        INTEGER NOT NULL,
                expires_at        INTEGER
            );
            CREATE UNIQUE INDEX idx_event_history_position ON project_index_event_history(project_id, seq);
            CREATE INDEX idx_event_history_project_created ON project_index_event_history(project_id, created_at);
            CREATE INDEX idx_event_history_expires_at ON project_index_event_history(expires_at)
                WHERE expires_at IS NOT NULL;
            """);

    static void migrate(Connection c) throws SQLException {
        int version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > MIGRATIONS.size()) {
            throw new SQLException("history file has schema version " + version + ", newer than this hub knows ("
                    + MIGRATIONS.size() + "); use a newer hub or another file");
        }
        for (int v = version; v < MIGRATIONS.size(); v++) {
            try (Statement s = c.createStatement()) {
                for (String statement : MIGRATIONS.get(v).split(";")) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
                s.execute("PRAGMA user_version = " + (v + 1));
            }
            c.commit();
        }
    }
}
