package io.projectindex.hub.server.stream.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.TcpProxy;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL becomes unreachable (a proxy in between drops every connection): publishes answer
 * 503 with Retry-After and store nothing (a {@code memory_only} event too: every accepted event
 * gets a durable row, which is what keeps offsets contiguous), replays that need the database
 * answer REPLAY_UNAVAILABLE, readiness fails; open connections stay up, events accepted before the
 * cut whose delivery was still pending are delivered during the outage, and recent history answers
 * from memory. Once the database is reachable again the hub recovers by itself and the stream
 * continues in the same epoch.
 */
class HistoryOutageIT {

    @Test
    void anOutageIsAnswered503AndReplayUnavailableAndTheHubRecoversByItself() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create(); TcpProxy proxy = new TcpProxy(5432)) {
            String url = "postgresql://postgres@127.0.0.1:" + proxy.port() + "/" + db.name();
            // One token, refilled once a second: live events published together wait in the
            // connection's queue, so some are accepted (202) but not yet delivered when the cut comes.
            try (TestHub hub = TestHub.start(Map.of("HUB_HISTORY_BACKEND", "postgres", "DATABASE_URL", url,
                    "WEBSOCKET_RATE_LIMIT_TOKENS", "1", "WEBSOCKET_RATE_LIMIT_REFILL", "1"))) {
                UUID project = UUID.randomUUID();
                WsRecorder ws = hub.connect("client_id=outage-test");
                JsonNode welcome = ws.awaitType("welcome").path("data").path("limits");
                assertThat(welcome.path("rate_limit_tokens").asInt()).isEqualTo(1);
                ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + project + "\"}");
                JsonNode first = hub.publish(Events.updated(project)).path("accepted").get(0);
                assertThat(ws.awaitEvents(1).get(0).path("offset").asLong()).isEqualTo(1);
                JsonNode pending = hub.publish(Events.batch(List.of(Events.dependency(project, "src/p1.py"),
                        Events.dependency(project, "src/p2.py"), Events.dependency(project, "src/p3.py")))).path("accepted");
                assertThat(pending).extracting(e -> e.path("offset").asLong()).containsExactly(2L, 3L, 4L);

                proxy.cut();
                int deliveredBeforeCut = ws.pending();

                TestHub.Response refused = hub.post("/api/v1/project-index/events", Events.updated(project));
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(refused.json().path("error").asText()).isEqualTo("UNAVAILABLE");
                // memory_only is no way around it: it is stored durably too (for contiguous offsets).
                TestHub.Response memoryOnly = hub.post("/api/v1/project-index/events",
                        "{\"type\":\"dependency_changed\",\"persistence_level\":\"memory_only\",\"data\":"
                                + Json.readTree(Events.dependency(project, "src/m.py")).path("data") + "}");
                assertThat(memoryOnly.status()).as(memoryOnly.body()).isEqualTo(503);
                assertThat(hub.get("/readyz").status()).isEqualTo(503);
                TestHub.Response health = hub.get("/api/v1/project-index/websocket/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().path("status").asText()).isEqualTo("unhealthy");
                assertThat(health.json().path("checks").path("history_store").path("healthy").asBoolean()).isFalse();

                // The events accepted before the cut are all delivered, in order, while the database is down.
                assertThat(deliveredBeforeCut).as("accepted events still waiting for delivery at the cut").isLessThan(3);
                List<JsonNode> delivered = ws.awaitEvents(3);
                assertThat(delivered).extracting(e -> e.path("offset").asLong()).containsExactly(2L, 3L, 4L);
                assertThat(delivered).extracting(e -> e.path("id").asText())
                        .containsExactly(pending.get(0).path("id").asText(), pending.get(1).path("id").asText(),
                                pending.get(2).path("id").asText());
                assertThat(delivered).allSatisfy(e -> {
                    assertThat(e.path("epoch").asText()).isEqualTo(first.path("epoch").asText());
                    assertThat(e.has("replay")).isFalse();
                });
                assertThat(hub.get("/readyz").status()).as("still in the outage").isEqualTo(503);

                // A replay that only the database can answer (exclude_delivered) fails while it is down.
                JsonNode replay = ws.request("{\"action\":\"replay\",\"project_id\":\"" + project
                        + "\",\"exclude_delivered\":true}");
                assertThat(replay.path("type").asText()).isEqualTo("error");
                assertThat(replay.path("data").path("error").asText()).isEqualTo("REPLAY_UNAVAILABLE");
                assertThat(replay.path("data").path("details").path("retry_after_ms").asLong()).isEqualTo(1000);
                // Recent history still answers from memory, and the connection lives on.
                List<JsonNode> recent = List.of(
                        ws.request("{\"action\":\"replay\",\"project_id\":\"" + project + "\",\"since_offset\":0}"),
                        ws.awaitJson(), ws.awaitJson(), ws.awaitJson());
                assertThat(recent).extracting(e -> e.path("offset").asLong()).containsExactly(1L, 2L, 3L, 4L);
                assertThat(recent).allSatisfy(e -> assertThat(e.path("replay").asBoolean()).isTrue());
                assertThat(ws.awaitType("replay_complete").path("data").path("events_replayed").asInt()).isEqualTo(4);
                TestHub.Response recentHttp = hub.get("/api/v1/project-index/events?project_id=" + project
                        + "&since_offset=1&epoch=" + first.path("epoch").asText());
                assertThat(recentHttp.status()).as(recentHttp.body()).isEqualTo(200);
                assertThat(recentHttp.json().path("events")).extracting(e -> e.path("offset").asLong())
                        .containsExactly(2L, 3L, 4L);
                assertThat(ws.request("{\"action\":\"ping\"}").path("type").asText()).isEqualTo("pong");
                // Nothing refused during the outage reached the subscriber.
                ws.assertNoMoreFrames(Duration.ofMillis(300));

                proxy.restore();

                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                        .until(() -> hub.post("/api/v1/project-index/events", Events.dependency(project, "src/b.py")).status() == 202);
                assertThat(hub.get("/readyz").status()).isEqualTo(200);
                TestHub.Response recovered = hub.get("/api/v1/project-index/websocket/health");
                assertThat(recovered.status()).isEqualTo(200);
                assertThat(recovered.json().path("checks").path("history_store").path("healthy").asBoolean()).isTrue();
                JsonNode live = ws.awaitEvents(1).get(0);
                assertThat(live.path("offset").asLong()).as("nothing refused took an offset").isEqualTo(5);
                assertThat(live.path("epoch").asText()).isEqualTo(first.path("epoch").asText());
                ws.close();
            }
        }
    }
}
