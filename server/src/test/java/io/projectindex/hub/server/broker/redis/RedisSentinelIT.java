package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.RedisSentinelServers;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes reaching Redis through a sentinel, with PostgreSQL: publish and delivery across the
 * nodes, then a failover to the replica during publishing: publishes carry on against the new
 * master (503 meanwhile), the epoch stays, and every acknowledged event reaches both clients or is
 * reported to them.
 */
class RedisSentinelIT {

    @Test
    void nodesFollowTheMasterThroughASentinelFailoverWithoutASilentHole() throws Exception {
        try (RedisSentinelServers redis = RedisSentinelServers.start(); PostgresDatabase db = PostgresDatabase.create()) {
            Map<String, String> settings = new java.util.HashMap<>(Map.of("REDIS_MODE", "sentinel",
                    "REDIS_SENTINEL_MASTER", RedisSentinelServers.MASTER_NAME, "REDIS_SENTINEL_NODES", redis.sentinelUrl(),
                    "REDIS_TIMEOUT_MS", "2000", "HUB_HISTORY_BACKEND", "postgres", "DATABASE_URL", db.url()));
            try (TestHub a = TestHub.start(settings); TestHub b = TestHub.start(settings)) {
                UUID project = UUID.randomUUID();
                List<TestHub> nodes = List.of(a, b);
                try (ContinuityClient onA = new ContinuityClient(nodes, 0, project).start();
                     ContinuityClient onB = new ContinuityClient(nodes, 1, project).start()) {
                    List<JsonNode> acked = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        acked.add(nodes.get(i % 2).publish(Events.progress(project, UUID.randomUUID(), i)).path("accepted").get(0));
                    }
                    redis.failover();
                    int[] unavailable = {0};
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                        TestHub.Response r = nodes.get(acked.size() % 2).post("/api/v1/project-index/events",
                                Events.progress(project, UUID.randomUUID(), acked.size() % 100));
                        if (r.status() == 202) {
                            acked.add(r.json().path("accepted").get(0));
                        } else {
                            assertThat(r.status()).as(r.body()).isEqualTo(503);
                            unavailable[0]++;
                        }
                        return acked.size() >= 60 && redis.replica().cli("ROLE").startsWith("master")
                                && redis.master().cli("ROLE").startsWith("slave");
                    });
                    String epoch = acked.get(0).path("epoch").asText();
                    JsonNode last = acked.get(acked.size() - 1);
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertThat(onA.reached(last.path("epoch").asText(), last.path("offset").asLong())).isTrue();
                        assertThat(onB.reached(last.path("epoch").asText(), last.path("offset").asLong())).isTrue();
                    });
                    assertThat(acked).extracting(j -> j.path("epoch").asText()).containsOnly(epoch);
                    for (ContinuityClient c : List.of(onA, onB)) {
                        assertThat(c.violations()).isEmpty();
                        for (JsonNode ack : acked) {
                            assertThat(c.received(ack.path("id").asText())
                                    || c.reportedLost(ack.path("epoch").asText(), ack.path("offset").asLong()))
                                    .as("acknowledged %s", ack).isTrue();
                        }
                    }
                }
            }
        }
    }
}
