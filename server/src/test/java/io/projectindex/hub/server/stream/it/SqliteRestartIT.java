package io.projectindex.hub.server.stream.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default keeps streams across a restart: same epoch, contiguous offsets, no gap. Run
 * once as {@code serve} with no history configuration at all (only the data directory, which the
 * test must point at a temporary one) and once with {@code HUB_HISTORY_BACKEND=sqlite} set.
 */
class SqliteRestartIT {
    @TempDir
    Path dataDir;

    private Map<String, String> settings(boolean explicitBackend) {
        Map<String, String> s = new HashMap<>();
        s.put("HUB_DATA_DIR", dataDir.toString());
        // null removes TestHub's memory default: the hub's own default (auto, no DATABASE_URL) applies.
        s.put("HUB_HISTORY_BACKEND", explicitBackend ? "sqlite" : null);
        return s;
    }

    @ParameterizedTest(name = "explicit HUB_HISTORY_BACKEND=sqlite: {0}")
    @ValueSource(booleans = {false, true})
    void aRestartOnTheSameSqliteFileKeepsTheEpochAndAResumeHasNoGap(boolean explicitBackend) {
        UUID project = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        String epoch;
        try (TestHub hub = TestHub.start(settings(explicitBackend))) {
            assertThat(hub.server().services().config().history().backend())
                    .isEqualTo(explicitBackend ? "sqlite" : "auto");
            assertThat(hub.server().services().history().backend()).isEqualTo("sqlite");
            assertThat(hub.get("/api/v1/project-index/websocket/debug/internal-state").json()
                    .path("history").path("backend").asText()).isEqualTo("sqlite");
            WsRecorder ws = hub.connectWelcomed("");
            ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + project + "\"}");
            JsonNode first = hub.publish(Events.progress(project, session, 10)).path("accepted").get(0);
            epoch = first.path("epoch").asText();
            assertThat(first.path("offset").asLong()).isEqualTo(1);
            for (int p = 20; p <= 50; p += 10) {
                hub.publish(Events.progress(project, session, p));
            }
            List<JsonNode> seen = ws.awaitEvents(5);
            assertThat(seen).extracting(e -> e.path("offset").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L);
            ws.close();
        }
        assertThat(dataDir.resolve("history.db")).exists();

        try (TestHub hub = TestHub.start(settings(explicitBackend))) {
            assertThat(hub.server().services().history().backend()).isEqualTo("sqlite");
            // Resume as a client that had seen offsets 1 and 2 before the restart.
            WsRecorder ws = hub.connectWelcomed("");
            JsonNode ack = ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + project
                    + "\",\"since_offset\":2,\"epoch\":\"" + epoch + "\"}");
            assertThat(ack.path("type").asText()).isEqualTo("subscription_ack");
            assertThat(ack.path("data").path("recovered").asBoolean()).as("ack %s", ack).isTrue();
            assertThat(ack.path("data").path("epoch").asText()).isEqualTo(epoch);
            assertThat(ack.path("data").path("offset").asLong()).isEqualTo(5);
            List<JsonNode> missed = ws.awaitEvents(3);
            assertThat(missed).extracting(e -> e.path("offset").asLong()).containsExactly(3L, 4L, 5L);
            assertThat(missed).allSatisfy(e -> {
                assertThat(e.path("replay").asBoolean()).isTrue();
                assertThat(e.path("epoch").asText()).isEqualTo(epoch);
                assertThat(e.path("data").path("session_id").asText()).isEqualTo(session.toString());
            });

            JsonNode next = hub.publish(Events.updated(project)).path("accepted").get(0);
            assertThat(next.path("offset").asLong()).isEqualTo(6);
            assertThat(next.path("epoch").asText()).isEqualTo(epoch);
            JsonNode live = ws.awaitEvents(1).get(0);
            assertThat(live.path("offset").asLong()).isEqualTo(6);
            assertThat(live.has("replay")).isFalse();

            JsonNode history = hub.get("/api/v1/project-index/events?project_id=" + project).json();
            assertThat(history.path("epoch").asText()).isEqualTo(epoch);
            assertThat(history.path("events")).extracting(e -> e.path("offset").asLong())
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            ws.assertNoMoreFrames(Duration.ofMillis(200));
            ws.close();
        }
    }
}
