package io.projectindex.hub.server.stream.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.TcpProxy;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL becomes unreachable (a proxy in between drops every connection): publishes answer
 * 503 with Retry-After and store nothing, replays answer REPLAY_UNAVAILABLE, readiness fails, open
 * connections stay up; once the database is reachable again the hub recovers by itself and the
 * stream continues in the same epoch.
 */
class HistoryOutageIT {

    @Test
    void anOutageIsAnswered503AndReplayUnavailableAndTheHubRecoversByItself() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create(); TcpProxy proxy = new TcpProxy(5432)) {
            String url = "postgresql://postgres@127.0.0.1:" + proxy.port() + "/" + db.name();
            try (TestHub hub = TestHub.start(Map.of("HUB_HISTORY_BACKEND", "postgres", "DATABASE_URL", url))) {
                UUID project = UUID.randomUUID();
                WsRecorder ws = hub.connectWelcomed("client_id=outage-test");
                ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + project + "\"}");
                JsonNode first = hub.publish(Events.updated(project)).path("accepted").get(0);
                assertThat(ws.awaitEvents(1).get(0).path("offset").asLong()).isEqualTo(1);

                proxy.cut();

                TestHub.Response refused = hub.post("/api/v1/project-index/events", Events.updated(project));
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("1");
                assertThat(refused.json().path("error").asText()).isEqualTo("UNAVAILABLE");
                assertThat(hub.get("/readyz").status()).isEqualTo(503);
                TestHub.Response health = hub.get("/api/v1/project-index/websocket/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().path("status").asText()).isEqualTo("unhealthy");
                assertThat(health.json().path("checks").path("history_store").path("healthy").asBoolean()).isFalse();

                // A replay that only the database can answer (exclude_delivered) fails while it is down.
                JsonNode replay = ws.request("{\"action\":\"replay\",\"project_id\":\"" + project
                        + "\",\"exclude_delivered\":true}");
                assertThat(replay.path("type").asText()).isEqualTo("error");
                assertThat(replay.path("data").path("error").asText()).isEqualTo("REPLAY_UNAVAILABLE");
                assertThat(replay.path("data").path("details").path("retry_after_ms").asLong()).isEqualTo(1000);
                // Recent history still answers from memory, and the connection lives on.
                JsonNode recent = ws.request("{\"action\":\"replay\",\"project_id\":\"" + project + "\",\"since_offset\":0}");
                assertThat(recent.path("offset").asLong()).isEqualTo(1);
                assertThat(ws.awaitType("replay_complete").path("data").path("events_replayed").asInt()).isEqualTo(1);
                assertThat(ws.request("{\"action\":\"ping\"}").path("type").asText()).isEqualTo("pong");

                proxy.restore();

                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                        .until(() -> hub.post("/api/v1/project-index/events", Events.dependency(project, "src/b.py")).status() == 202);
                assertThat(hub.get("/readyz").status()).isEqualTo(200);
                TestHub.Response recovered = hub.get("/api/v1/project-index/websocket/health");
                assertThat(recovered.status()).isEqualTo(200);
                assertThat(recovered.json().path("checks").path("history_store").path("healthy").asBoolean()).isTrue();
                JsonNode live = ws.awaitEvents(1).get(0);
                assertThat(live.path("offset").asLong()).isEqualTo(2);
                assertThat(live.path("epoch").asText()).isEqualTo(first.path("epoch").asText());
                ws.close();
            }
        }
    }
}
