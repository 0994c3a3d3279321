package io.projectindex.hub.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Event history: which backend, how much the in-memory tier keeps, retention and cleanup.
 *
 * @param backend {@code auto}, {@code memory}, {@code sqlite} or {@code postgres}
 * @param maxEventsPerProject events the in-memory tier keeps per project
 */
public record HistoryConfig(String backend, Duration ttl, int maxEventsPerProject, Duration cleanupInterval,
                            Optional<String> databaseUrl) {

    public static final Setting<String> BACKEND = Setting.choice("HUB_HISTORY_BACKEND", "--history-backend", "auto",
            List.of("auto", "memory", "sqlite", "postgres"),
            "history store; auto = postgres when DATABASE_URL is set, otherwise the embedded default");
    public static final Setting<Integer> TTL_HOURS = Setting.integer("EVENT_HISTORY_TTL_HOURS", "--history-ttl-hours",
            24, 1, 100_000, "retention of events kept only in memory, in hours");
    public static final Setting<Integer> MAX_EVENTS = Setting.integer("EVENT_HISTORY_MAX_EVENTS",
            "--history-max-events", 100, 1, 100_000_000, "events the in-memory history keeps per project");
    public static final Setting<Integer> CLEANUP_INTERVAL = Setting.integer("EVENT_HISTORY_CLEANUP_INTERVAL",
            "--history-cleanup-interval", 3600, 1, 10_000_000, "seconds between expired-history cleanups");
    public static final Setting<String> DATABASE_URL = Setting.secret("DATABASE_URL", "--database-url",
            "PostgreSQL JDBC URL (postgresql://user:pass@host:port/db or jdbc:postgresql://...) for durable history");

    public static final List<Setting<?>> SETTINGS = List.of(BACKEND, TTL_HOURS, MAX_EVENTS, CLEANUP_INTERVAL, DATABASE_URL);

    static HistoryConfig from(SettingValues v) {
        return new HistoryConfig(v.get(BACKEND), Duration.ofHours(v.get(TTL_HOURS)), v.get(MAX_EVENTS),
                Duration.ofSeconds(v.get(CLEANUP_INTERVAL)), v.optional(DATABASE_URL).filter(s -> !s.isBlank()));
    }
}
