package io.projectindex.hub.server.stream.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.time.HubClock;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Durable history in PostgreSQL (table {@code project_index_event_history}, schema migrated by
 * Flyway from {@code db/migration/postgresql}). Connections come from a HikariCP pool; the writer
 * takes one per group commit and the reader threads share the rest. Offsets stay contiguous even
 * when several hub processes write the same project: each transaction locks the project's stream
 * row ({@code SELECT … FOR UPDATE}) before assigning offsets. Thread-safe.
 */
public final class PostgresHistoryStore extends JdbcHistoryStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresHistoryStore.class);

    /** Pool size (10), the {@code DATABASE_POOL_SIZE} default. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** How long a caller waits for a pooled connection before the backend counts as down (2 s). */
    public static final long CONNECTION_TIMEOUT_MILLIS = 2000;

    private final HikariDataSource pool;
    private final PostgresUrl url;

    private PostgresHistoryStore(HubClock clock, MeterRegistry registry, HikariDataSource pool, PostgresUrl url, int readers) {
        super(clock, "postgres", new PostgresSql(), registry, readers);
        this.pool = pool;
        this.url = url;
    }

    /**
     * Connects, migrates the schema and starts the writer. Blocking: call it at startup. Fails if
     * the database cannot be reached now; later outages are survived.
     */
    public static PostgresHistoryStore openBlocking(String databaseUrl, int poolSize, HubClock clock, MeterRegistry registry) {
        if (poolSize < 2) {
            throw new IllegalArgumentException("poolSize must be >= 2 (one writer, one reader), was " + poolSize);
        }
        PostgresUrl url = PostgresUrl.parse(databaseUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName("history-postgres");
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
        }
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(CONNECTION_TIMEOUT_MILLIS);
        // Plan every statement with the table's current size: a generic plan cached while the
        // table was nearly empty would scan it sequentially forever after.
        config.setConnectionInitSql("SET plan_cache_mode = force_custom_plan");
        // One multi-row INSERT per group commit instead of one statement per row.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "project-index-hub");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("socketTimeout", "30");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new HistoryUnavailableException("cannot connect to PostgreSQL " + url.jdbcUrl() + ": " + e.getMessage(),
                    RETRY_AFTER, e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration/postgresql")
                    .table("project_index_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new HistoryUnavailableException("cannot migrate the PostgreSQL history schema: " + e.getMessage(),
                    RETRY_AFTER, e);
        }
        PostgresHistoryStore store = new PostgresHistoryStore(clock, registry, pool, url, Math.max(1, Math.min(4, poolSize - 1)));
        store.start();
        log.info("history: PostgreSQL {} (pool {})", url.jdbcUrl().replaceAll("(?i)password=[^&]*", "password=***"), poolSize);
        return store;
    }

    @Override
    protected void probeBlocking() throws SQLException {
        // A direct connection fails in milliseconds when the server is down, where the pool would
        // wait its whole connection timeout; once it answers, the pool reconnects by itself.
        Properties props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty("connectTimeout", "1");
        props.setProperty("socketTimeout", "2");
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
             Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    @Override
    protected boolean reencodeData() {
        return true;
    }

    @Override
    protected Connection acquireWriter() throws SQLException {
        Connection c = pool.getConnection();
        c.setAutoCommit(false);
        return c;
    }

    @Override
    protected void releaseWriter(Connection c, boolean failed) {
        closeQuietly(c);
    }

    @Override
    protected Connection acquireReader() throws SQLException {
        return pool.getConnection();
    }

    @Override
    protected void releaseReader(Connection c, boolean failed) {
        closeQuietly(c);
    }

    @Override
    protected void closeConnections() {
        pool.close();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // the pool replaces broken connections
        }
    }
}
