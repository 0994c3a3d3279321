package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.time.HubClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded default history: one SQLite file ({@code <data-dir>/history.db}) in WAL mode, no
 * server needed. One writer connection (transactions begin IMMEDIATE, so a second process on the
 * same file waits instead of interleaving) used only by the writer thread; one read connection per
 * reader thread (WAL lets them read while the writer writes). {@code synchronous=FULL}: a commit
 * survives a power cut, and group commit keeps that affordable. The schema is versioned with
 * {@code PRAGMA user_version}. Thread-safe.
 */
public final class SqliteHistoryStore extends JdbcHistoryStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteHistoryStore.class);

    /** File name inside the data directory. */
    public static final String DEFAULT_FILE_NAME = "history.db";
    /** Reader threads (2): WAL readers do not block the writer, and the machine has two cores. */
    public static final int DEFAULT_READER_THREADS = 2;
    /** How long a statement waits for a lock held by another connection or process (5 s). */
    public static final int BUSY_TIMEOUT_MILLIS = 5000;

    private final Path file;
    /** Owned by the writer thread. */
    private Connection writerConnection;
    /** One per reader thread; the list is only for closing them. */
    private final ThreadLocal<Connection> readerConnection = new ThreadLocal<>();
    private final List<Connection> readerConnections = new ArrayList<>();

    private SqliteHistoryStore(HubClock clock, MeterRegistry registry, Path file) {
        super(clock, "sqlite", new SqliteSql(), registry, DEFAULT_READER_THREADS);
        this.file = file;
    }

    /**
     * Opens (creating if needed) the history file and its schema, and starts the writer.
     * Blocking: call it at startup, not on an event loop.
     */
    public static SqliteHistoryStore openBlocking(Path file, HubClock clock, MeterRegistry registry) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new HistoryUnavailableException("cannot create the history directory for " + file + ": " + e.getMessage(),
                    RETRY_AFTER, e);
        }
        SqliteHistoryStore store = new SqliteHistoryStore(clock, registry, file);
        try (Connection c = store.open(false)) {
            SqliteSchema.migrate(c);
        } catch (SQLException e) {
            throw new HistoryUnavailableException("cannot open SQLite history " + file + ": " + e.getMessage(), RETRY_AFTER, e);
        }
        store.start();
        log.info("history: SQLite file {} (WAL, synchronous=FULL)", file.toAbsolutePath().normalize());
        return store;
    }

    public Path file() {
        return file;
    }

    private Connection open(boolean reader) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setTransactionMode(reader ? SQLiteConfig.TransactionMode.DEFERRED : SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement s = c.createStatement()) {
            // Checkpoint the WAL into the main file every ~4 MB of log.
            s.execute("PRAGMA wal_autocheckpoint = 1000");
        }
        c.setAutoCommit(reader);
        return c;
    }

    @Override
    protected Connection acquireWriter() throws SQLException {
        if (writerConnection == null) {
            writerConnection = open(false);
        }
        return writerConnection;
    }

    @Override
    protected void releaseWriter(Connection c, boolean failed) {
        if (failed) {
            closeQuietly(c);
            writerConnection = null;
        }
    }

    @Override
    protected Connection acquireReader() throws SQLException {
        Connection c = readerConnection.get();
        if (c == null) {
            c = open(true);
            readerConnection.set(c);
            synchronized (readerConnections) {
                readerConnections.add(c);
            }
        }
        return c;
    }

    @Override
    protected void releaseReader(Connection c, boolean failed) {
        if (failed) {
            readerConnection.remove();
            synchronized (readerConnections) {
                readerConnections.remove(c);
            }
            closeQuietly(c);
        }
    }

    @Override
    protected void closeConnections() {
        if (writerConnection != null) {
            closeQuietly(writerConnection);
            writerConnection = null;
        }
        synchronized (readerConnections) {
            readerConnections.forEach(SqliteHistoryStore::closeQuietly);
            readerConnections.clear();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // closing a broken connection
        }
    }
}
