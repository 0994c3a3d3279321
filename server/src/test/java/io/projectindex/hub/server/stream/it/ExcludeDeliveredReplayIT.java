package io.projectindex.hub.server.stream.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.stream.DeliveryRecord;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery tracking by the stable client_id, across reconnects, and replay with exclude_delivered. */
class ExcludeDeliveredReplayIT {
    @TempDir
    Path dataDir;

    @Test
    void aReconnectingClientCanReplayOnlyWhatItHasNotBeenDelivered() throws Exception {
        Map<String, String> settings = Map.of("HUB_HISTORY_BACKEND", "sqlite", "HUB_DATA_DIR", dataDir.toString());
        try (TestHub hub = TestHub.start(settings)) {
            UUID project = UUID.randomUUID();
            WsRecorder first = hub.connectWelcomed("client_id=dashboard-7");
            first.request("{\"action\":\"subscribe\",\"project_id\":\"" + project + "\"}");
            hub.publish(Events.updated(project));
            hub.publish(Events.dependency(project, "src/a.py"));
            assertThat(first.awaitEvents(2)).extracting(e -> e.path("offset").asLong()).containsExactly(1L, 2L);
            first.close();

            // Published while no connection of this client was open.
            JsonNode missed = hub.publish(Events.context(project)).path("accepted").get(0);

            WsRecorder again = hub.connectWelcomed("client_id=dashboard-7");
            again.send("{\"action\":\"replay\",\"project_id\":\"" + project + "\",\"exclude_delivered\":true}");
            List<JsonNode> replayed = again.awaitEvents(1);
            assertThat(replayed).extracting(e -> e.path("offset").asLong()).containsExactly(3L);
            JsonNode complete = again.awaitType("replay_complete");
            assertThat(complete.path("data").path("events_replayed").asInt()).isEqualTo(1);

            // Another client id, or no exclusion, gets everything.
            WsRecorder other = hub.connectWelcomed("client_id=ide-1");
            other.send("{\"action\":\"replay\",\"project_id\":\"" + project + "\",\"exclude_delivered\":true}");
            assertThat(other.awaitEvents(3)).extracting(e -> e.path("offset").asLong()).containsExactly(1L, 2L, 3L);
            other.awaitType("replay_complete");

            // The replay just sent counts as delivered too.
            again.send("{\"action\":\"replay\",\"project_id\":\"" + project + "\",\"exclude_delivered\":true}");
            JsonNode none = again.awaitType("replay_complete");
            assertThat(none.path("data").path("events_replayed").asInt()).isZero();

            DeliveryRecord d = hub.server().services().history().deliveries(UUID.fromString(missed.path("id").asText()))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(d.clientIds()).containsExactlyInAnyOrder("dashboard-7", "ide-1");
            assertThat(d.replayCount()).isEqualTo(2);
            again.assertNoMoreFrames(Duration.ofMillis(200));
            again.close();
            other.close();
        }
    }
}
