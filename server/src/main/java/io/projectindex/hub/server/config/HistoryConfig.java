package io.projectindex.hub.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Event history: which backend, how much the in-memory tier keeps, retention and cleanup.
 *
 * @param backend {@code auto}, {@code memory}, {@code sqlite} or {@code postgres}
 * @param ttl how long the in-memory tier keeps an event at most (the durable tier follows the
 *            event's persistence level)
 * @param maxEventsPerProject events the in-memory tier keeps per project
 * @param databasePoolSize PostgreSQL connections (one writer, the rest for reads)
 * @param sqliteFile the SQLite history file; empty means {@code <data-dir>/history.db}
 */
public record HistoryConfig(String backend, Duration ttl, int maxEventsPerProject, Duration cleanupInterval,
                            Optional<String> databaseUrl, int databasePoolSize, Optional<String> sqliteFile) {

    /** PostgreSQL pool size (10). */
    public static final int DEFAULT_DATABASE_POOL_SIZE = 10;

    public static final Setting<String> BACKEND = Setting.choice("HUB_HISTORY_BACKEND", "--history-backend", "auto",
            List.of("auto", "memory", "sqlite", "postgres"),
            "history store; auto = postgres when DATABASE_URL is set, otherwise the embedded default");
    public static final Setting<Integer> TTL_HOURS = Setting.integer("EVENT_HISTORY_TTL_HOURS", "--history-ttl-hours",
            24, 1, 100_000, "hours an event stays in the in-memory history (the memory backend's retention;"
                    + " with SQLite/PostgreSQL, durable rows follow the event's persistence level)");
    public static final Setting<Integer> MAX_EVENTS = Setting.integer("EVENT_HISTORY_MAX_EVENTS",
            "--history-max-events", 100, 1, 100_000_000, "events the in-memory history keeps per project");
    public static final Setting<Integer> CLEANUP_INTERVAL = Setting.integer("EVENT_HISTORY_CLEANUP_INTERVAL",
            "--history-cleanup-interval", 3600, 1, 10_000_000, "seconds between expired-history cleanups");
    public static final Setting<String> DATABASE_URL = Setting.secret("DATABASE_URL", "--database-url",
            "PostgreSQL JDBC URL (postgresql://user:pass@host:port/db or jdbc:postgresql://...) for durable history");

    public static final Setting<Integer> DATABASE_POOL_SIZE = Setting.integer("DATABASE_POOL_SIZE",
            "--database-pool-size", DEFAULT_DATABASE_POOL_SIZE, 2, 200,
            "PostgreSQL connections in the history pool (one writer, the rest for reads)");
    public static final Setting<String> SQLITE_FILE = Setting.text("HUB_HISTORY_SQLITE_FILE", "--history-sqlite-file",
            null, "SQLite history file (default: <data-dir>/history.db)");

    public static final List<Setting<?>> SETTINGS =
            List.of(BACKEND, TTL_HOURS, MAX_EVENTS, CLEANUP_INTERVAL, DATABASE_URL, DATABASE_POOL_SIZE, SQLITE_FILE);

    static HistoryConfig from(SettingValues v) {
        return new HistoryConfig(v.get(BACKEND), Duration.ofHours(v.get(TTL_HOURS)), v.get(MAX_EVENTS),
                Duration.ofSeconds(v.get(CLEANUP_INTERVAL)), v.optional(DATABASE_URL).filter(s -> !s.isBlank()),
                v.get(DATABASE_POOL_SIZE), v.optional(SQLITE_FILE).filter(s -> !s.isBlank()));
    }
}
