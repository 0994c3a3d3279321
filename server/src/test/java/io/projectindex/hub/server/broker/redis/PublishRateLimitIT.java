package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The publish rate limit per publisher: shared by the nodes through Redis, local on a single node. */
class PublishRateLimitIT {
    private static final Map<String, String> LIMIT = Map.of("PUBLISH_RATE_LIMIT", "0.5", "PUBLISH_RATE_BURST", "5");

    @Test
    void aPublisherOverTheLimitOnAnyNodeIsAnswered429WithRetryAfterAndNothingIsPublished() {
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> settings = new java.util.HashMap<>(LIMIT);
            settings.put("REDIS_URL", redis.url());
            try (TestHub a = TestHub.start(settings); TestHub b = TestHub.start(settings)) {
                UUID p = UUID.randomUUID();
                for (int i = 0; i < 3; i++) {
                    a.publish(Events.updated(p));
                }
                b.publish(Events.batch(java.util.List.of(Events.updated(p), Events.updated(p))));
                TestHub.Response refused = b.post("/api/v1/project-index/events", Events.updated(p));
                assertThat(refused.status()).as(refused.body()).isEqualTo(429);
                assertThat(refused.json().path("error").asText()).isEqualTo("RATE_LIMITED");
                assertThat(refused.header("Retry-After")).isIn("1", "2");
                assertThat(refused.json().path("details").path("retry_after_ms").asLong()).isBetween(1L, 2000L);
                assertThat(a.post("/api/v1/project-index/events", Events.updated(p)).status())
                        .as("the limit is shared by the nodes").isEqualTo(429);
                assertThat(a.get("/api/v1/project-index/events?project_id=" + p).json().path("events")).hasSize(5);
                assertThat(a.get("/api/v1/project-index/websocket/metrics/prometheus").body())
                        .contains("rate_limit_violations_total{direction=\"publish\"");
            }
        }
    }

    @Test
    void withoutRedisEachNodeLimitsItsOwnPublishers() {
        try (TestHub hub = TestHub.start(LIMIT)) {
            UUID p = UUID.randomUUID();
            for (int i = 0; i < 5; i++) {
                hub.publish(Events.progress(p, UUID.randomUUID(), i));
            }
            TestHub.Response refused = hub.post("/api/v1/project-index/events", Events.updated(p));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isIn("1", "2");
        }
    }
}
