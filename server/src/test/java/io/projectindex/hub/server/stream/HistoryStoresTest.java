package io.projectindex.hub.server.stream;

import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.stream.jdbc.PostgresUrl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which store a configuration gets, and how DATABASE_URL is read. */
class HistoryStoresTest {

    @Test
    void withNoConfigurationHistoryIsTheSqliteFileUnderDotSlashData() {
        HubConfig config = HubConfig.of(Map.of());
        assertThat(HistoryStores.effectiveBackend(config.history())).isEqualTo("sqlite");
        assertThat(HistoryStores.sqliteFile(config)).isEqualTo(Path.of("./data/history.db"));
        assertThat(config.history().databasePoolSize()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0} with DATABASE_URL={1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "auto,     -,                                  sqlite",
            "auto,     postgresql://u:p@127.0.0.1:5432/hub, postgres",
            "memory,   postgresql://u:p@127.0.0.1:5432/hub, memory",
            "sqlite,   postgresql://u:p@127.0.0.1:5432/hub, sqlite",
            "postgres, postgresql://u:p@127.0.0.1:5432/hub, postgres",
    })
    void backendIsChosenFromTheSettings(String backend, String url, String expected) {
        Map<String, String> settings = url == null ? Map.of("HUB_HISTORY_BACKEND", backend)
                : Map.of("HUB_HISTORY_BACKEND", backend, "DATABASE_URL", url);
        assertThat(HistoryStores.effectiveBackend(HubConfig.of(settings).history())).isEqualTo(expected);
    }

    @Test
    void theSqliteFileAndDataDirectoryCanBeMoved() {
        assertThat(HistoryStores.sqliteFile(HubConfig.of(Map.of("HUB_DATA_DIR", "/var/lib/hub"))))
                .isEqualTo(Path.of("/var/lib/hub/history.db"));
        assertThat(HistoryStores.sqliteFile(HubConfig.of(Map.of("HUB_HISTORY_SQLITE_FILE", "/tmp/h.db"))))
                .isEqualTo(Path.of("/tmp/h.db"));
    }

    @Test
    void theMemoryBackendIsTheInMemoryStore() {
        HistoryStore s = HistoryStores.openBlocking(HubConfig.of(Map.of("HUB_HISTORY_BACKEND", "memory")), new FakeClock(),
                new SimpleMeterRegistry());
        assertThat(s).isInstanceOf(InMemoryHistoryStore.class);
        assertThat(s.backend()).isEqualTo("memory");
    }

    @Test
    void postgresWithoutAUsableDatabaseUrlIsAConfigurationError() {
        assertThatThrownBy(() -> HistoryStores.openBlocking(HubConfig.of(Map.of("HUB_HISTORY_BACKEND", "postgres")),
                new FakeClock(), new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DATABASE_URL");
        assertThatThrownBy(() -> HistoryStores.openBlocking(HubConfig.of(Map.of("DATABASE_URL", "mysql://x/y")),
                new FakeClock(), new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DATABASE_URL must start with postgresql://");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", delimiter = '|', value = {
            "postgresql://hub:s3cret@db.local:6543/events | jdbc:postgresql://db.local:6543/events | hub | s3cret",
            "postgres://hub:p%40ss@127.0.0.1/events?sslmode=disable | jdbc:postgresql://127.0.0.1:5432/events?sslmode=disable | hub | p@ss",
            "postgresql://postgres@127.0.0.1:5432/test | jdbc:postgresql://127.0.0.1:5432/test | postgres | -",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres | jdbc:postgresql://127.0.0.1:5432/test?user=postgres | - | -",
    })
    void databaseUrlsAreAcceptedInBothForms(String url, String jdbc, String user, String password) {
        PostgresUrl u = PostgresUrl.parse(url);
        assertThat(u.jdbcUrl()).isEqualTo(jdbc);
        assertThat(u.user()).isEqualTo(user);
        assertThat(u.password()).isEqualTo(password);
        assertThat(u.toString()).doesNotContain("s3cret");
    }
}
