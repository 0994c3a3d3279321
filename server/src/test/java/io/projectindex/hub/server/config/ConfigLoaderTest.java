package io.projectindex.hub.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @Test
    void defaultsMatchTheOriginalDesignAndServeLoopbackPort8000() {
        HubConfig c = ConfigLoader.load(Map.of(), Map.of());
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().port()).isEqualTo(8000);
        assertThat(c.server().dataDir().toString()).isEqualTo("./data");
        assertThat(c.websocket().maxConnections()).isEqualTo(1000);
        assertThat(c.delivery().rateLimitTokens()).isEqualTo(100);
        assertThat(c.delivery().rateLimitRefillPerSecond()).isEqualTo(10.0);
        assertThat(c.delivery().compressionThreshold()).isEqualTo(1024);
        assertThat(c.delivery().batchSize()).isEqualTo(10);
        assertThat(c.delivery().batchTime()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.delivery().totalQueueEvents()).isEqualTo(10_000);
        assertThat(c.history().ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.history().maxEventsPerProject()).isEqualTo(100);
        assertThat(c.history().cleanupInterval()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(c.monitoring().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.monitoring().healthCheckInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.monitoring().anomalyWindow()).isEqualTo(Duration.ofMinutes(60));
        assertThat(c.server().logLevel()).isEqualTo("info");
        assertThat(c.redis().url()).isEmpty();
        assertThat(c.history().databaseUrl()).isEmpty();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, """
                WEBSOCKET_BATCH_SIZE: 20
                port: 9001
                max-connections: 50
                rate_limit_refill: 2.5
                global_filters:
                  - {criteria: event_type, operator: equals, value: analysis_progress}
                """);
        HubConfig c = ConfigLoader.load(Map.of("HUB_PORT", "9003"),
                Map.of("HUB_CONFIG", file.toString(), "HUB_PORT", "9002", "WEBSOCKET_MAX_CONNECTIONS", "60"));
        assertThat(c.server().port()).isEqualTo(9003);
        assertThat(c.websocket().maxConnections()).isEqualTo(60);
        assertThat(c.delivery().batchSize()).isEqualTo(20);
        assertThat(c.delivery().rateLimitRefillPerSecond()).isEqualTo(2.5);
        assertThat(c.section("global_filters")).get().satisfies(n -> assertThat(n.isArray()).isTrue());
    }

    @Test
    void everyBadValueIsReportedWithItsKeyValueAndSource() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("WEBSOCKET_BATCH_SIZE", "0"),
                Map.of("HUB_PORT", "eighty", "WEBSOCKET_LOG_LEVEL", "loud", "DATABASE_URL", "")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage())
                            .contains("WEBSOCKET_BATCH_SIZE must be 1..1000, was '0' (from flag --batch-size)")
                            .contains("HUB_PORT must be an integer in 0..65535, was 'eighty' (from environment)")
                            .contains("WEBSOCKET_LOG_LEVEL must be one of trace, debug, info, warn, error");
                });
    }

    @Test
    void secretsAreNeverEchoedInErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "DATABASE_URL: {nested: true}\nbogus_key: 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("HUB_CONFIG", file.toString()), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).contains("unknown key 'bogus_key'").contains("DATABASE_URL must be a single value");
                    assertThat(e.getMessage()).doesNotContain("nested");
                });
    }

    @Test
    void everySettingHasAnEnvironmentNameAFlagAndADescription() {
        assertThat(HubConfig.SETTINGS).allSatisfy(s -> {
            assertThat(s.env()).matches("[A-Z][A-Z0-9_]+");
            assertThat(s.flag()).startsWith("--");
            assertThat(s.description()).isNotBlank();
        });
        assertThat(HubConfig.SETTINGS.stream().map(Setting::env)).doesNotHaveDuplicates()
                .contains("WEBSOCKET_MAX_CONNECTIONS", "WEBSOCKET_RATE_LIMIT_TOKENS", "WEBSOCKET_RATE_LIMIT_REFILL",
                        "WEBSOCKET_COMPRESSION_THRESHOLD", "EVENT_HISTORY_TTL_HOURS", "EVENT_HISTORY_MAX_EVENTS",
                        "EVENT_HISTORY_CLEANUP_INTERVAL", "WEBSOCKET_BATCH_SIZE", "WEBSOCKET_BATCH_TIME_MS",
                        "WEBSOCKET_QUEUE_SIZE", "MONITORING_INTERVAL_SECONDS", "HEALTH_CHECK_INTERVAL_SECONDS",
                        "ANOMALY_DETECTION_WINDOW_MINUTES", "WEBSOCKET_LOG_LEVEL", "REDIS_URL", "DATABASE_URL");
        assertThat(HubConfig.SETTINGS.stream().map(Setting::flag)).doesNotHaveDuplicates();
    }

    @Test
    void theOriginalDesignsRedisBlockIsReadAsUrlPasswordAndPoolSize(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, """
                redis:
                  host: localhost
                  port: 6380
                  db: 2
                  password: s3cret
                  ssl: false
                  connection_pool_size: 20
                """);
        HubConfig c = ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString()));
        assertThat(c.redis().enabled()).isTrue();
        assertThat(c.redis().url()).contains("redis://localhost:6380/2");
        assertThat(c.redis().password()).contains("s3cret");
        assertThat(c.redis().poolSize()).isEqualTo(20);

        Files.writeString(file, "redis: {host: cache.internal, ssl: true}\n");
        c = ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString()));
        assertThat(c.redis().url()).contains("rediss://cache.internal:6379/0");
        assertThat(c.redis().password()).isEmpty();
        assertThat(c.redis().poolSize()).isEqualTo(RedisConfig.DEFAULT_POOL_SIZE);

        // The environment still wins over the file.
        c = ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString(), "REDIS_URL", "redis://127.0.0.1:6379"));
        assertThat(c.redis().url()).contains("redis://127.0.0.1:6379");
    }

    @Test
    void aMalformedRedisBlockIsRefusedNamingEachProblem(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, "redis: {host: localhost, port: 99999, timeout: 3}\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString())))
                .hasMessageContaining("redis: unknown key 'timeout'")
                .hasMessageContaining("redis.port must be 1-65535, was '99999'");

        Files.writeString(file, "redis: {connection_pool_size: 0}\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString())))
                .hasMessageContaining("REDIS_POOL_SIZE");

        Files.writeString(file, "redis: {host: localhost}\nREDIS_URL: redis://other:6379\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString())))
                .hasMessageContaining("REDIS_URL sets REDIS_URL a second time (also set by the redis section)");
        Files.writeString(file, "redis-password: x\nredis: {host: localhost, password: y}\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString())))
                .hasMessageContaining("REDIS_PASSWORD is set both on its own and by the redis section");

        Files.writeString(file, "redis: localhost\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString())))
                .hasMessageContaining("redis must be a mapping");
    }
}
