package io.projectindex.hub.server.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HistoryConfig;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.stream.jdbc.PostgresHistoryStore;
import io.projectindex.hub.server.stream.jdbc.PostgresUrl;
import io.projectindex.hub.server.stream.jdbc.SqliteHistoryStore;
import io.projectindex.hub.server.time.HubClock;

import java.nio.file.Path;

/**
 * Builds the configured history store: {@code auto} is PostgreSQL when {@code DATABASE_URL} is set
 * and the embedded SQLite file otherwise; {@code memory} keeps history in this process only. A
 * durable backend always gets the bounded in-memory tier in front ({@link TieredHistoryStore}).
 */
public final class HistoryStores {
    private HistoryStores() {
    }

    /** The backend {@code auto} resolves to. */
    public static String effectiveBackend(HistoryConfig config) {
        if (!config.backend().equals("auto")) {
            return config.backend();
        }
        return config.databaseUrl().isPresent() ? "postgres" : "sqlite";
    }

    /** The SQLite file: the setting, or {@code history.db} in the data directory. */
    public static Path sqliteFile(HubConfig config) {
        return config.history().sqliteFile().map(Path::of)
                .orElseGet(() -> config.server().dataDir().resolve(SqliteHistoryStore.DEFAULT_FILE_NAME));
    }

    /** Opens the store. Blocking (files, database connection, schema migration): call at startup. */
    public static HistoryStore openBlocking(HubConfig config, HubClock clock, MeterRegistry registry) {
        HistoryConfig h = config.history();
        switch (effectiveBackend(h)) {
            case "memory":
                return new InMemoryHistoryStore(clock, h.maxEventsPerProject(), h.ttl());
            case "sqlite":
                return tiered(SqliteHistoryStore.openBlocking(sqliteFile(config), clock, registry), clock, h);
            case "postgres": {
                String url = h.databaseUrl().orElseThrow(() ->
                        new ConfigException("HUB_HISTORY_BACKEND postgres needs DATABASE_URL"));
                try {
                    PostgresUrl.parse(url);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("DATABASE_URL " + e.getMessage());
                }
                return tiered(PostgresHistoryStore.openBlocking(url, h.databasePoolSize(), clock, registry), clock, h);
            }
            default:
                throw new ConfigException("HUB_HISTORY_BACKEND must be auto, memory, sqlite or postgres, was " + h.backend());
        }
    }

    /**
     * The shared durable tier of multi-node mode: PostgreSQL when {@code DATABASE_URL} is set (or
     * the backend says postgres), otherwise none (Redis alone holds history). Per-node SQLite is
     * refused: every node would keep a different history. No memory tier: it assumes a single
     * writer. Blocking: call at startup.
     */
    public static DurableHistoryStore openDurableForRedisBlocking(HubConfig config, HubClock clock, MeterRegistry registry) {
        HistoryConfig h = config.history();
        String backend = effectiveBackend(h);
        if (backend.equals("sqlite")) {
            if (h.backend().equals("sqlite")) {
                throw new ConfigException("HUB_HISTORY_BACKEND sqlite cannot be combined with Redis: each node would keep"
                        + " its own history; set DATABASE_URL for a shared PostgreSQL, or use auto/memory for Redis alone");
            }
            return null;
        }
        if (backend.equals("memory")) {
            return null;
        }
        String url = h.databaseUrl().orElseThrow(() ->
                new ConfigException("HUB_HISTORY_BACKEND postgres needs DATABASE_URL"));
        try {
            PostgresUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("DATABASE_URL " + e.getMessage());
        }
        return PostgresHistoryStore.openBlocking(url, h.databasePoolSize(), clock, registry);
    }

    private static HistoryStore tiered(DurableHistoryStore durable, HubClock clock, HistoryConfig h) {
        return new TieredHistoryStore(durable, clock, h.maxEventsPerProject(), h.ttl());
    }
}
