package io.projectindex.hub.server.stream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.FakeClock;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduled cleanup end to end: a hub with a durable backend and
 * {@code EVENT_HISTORY_CLEANUP_INTERVAL=1} runs its timer, the events whose persistence level has
 * expired (on a fake clock moved past {@code memory_only}'s hour) leave memory and the database,
 * the monitoring API reports the exact counts as {@code last_cleanup}, and only the events that
 * have not expired are still replayable — from memory, and from the database after a restart.
 */
class ScheduledCleanupIT {
    private static final String INTERNAL_STATE = "/api/v1/project-index/websocket/debug/internal-state";

    @TempDir
    Path dataDir;

    @Test
    void sqlite() {
        cleanupRunsOnItsTimer(Map.of("HUB_HISTORY_BACKEND", "sqlite", "HUB_DATA_DIR", dataDir.toString()), "sqlite");
    }

    @Test
    void postgres() {
        try (PostgresDatabase db = PostgresDatabase.create()) {
            cleanupRunsOnItsTimer(Map.of("HUB_HISTORY_BACKEND", "postgres", "DATABASE_URL", db.url()), "postgres");
        }
    }

    private void cleanupRunsOnItsTimer(Map<String, String> backend, String name) {
        Map<String, String> settings = new HashMap<>(backend);
        settings.put("EVENT_HISTORY_CLEANUP_INTERVAL", "1");
        FakeClock clock = new FakeClock();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        String epochA;
        List<String> expiredIds;
        List<String> survivorIds;
        try (TestHub hub = TestHub.start(settings, clock)) {
            assertThat(hub.server().services().history().backend()).isEqualTo(name);
            assertThat(hub.server().services().config().history().cleanupInterval()).isEqualTo(Duration.ofSeconds(1));

            JsonNode a1 = accepted(hub.publish(withLevel(Events.dependency(a, "src/a1.py"), "memory_only")));
            JsonNode a2 = accepted(hub.publish(Events.progress(a, UUID.randomUUID(), 10))); // short_term by default
            JsonNode a3 = accepted(hub.publish(withLevel(Events.updated(a), "memory_only")));
            JsonNode a4 = accepted(hub.publish(Events.updated(a))); // long_term by default
            JsonNode bs = hub.publish(Events.batch(List.of(withLevel(Events.context(b), "memory_only"),
                    withLevel(Events.dependency(b, "src/b.py"), "memory_only")))).path("accepted");
            epochA = a1.path("epoch").asText();
            assertThat(List.of(a1, a2, a3, a4)).extracting(n -> n.path("offset").asLong()).containsExactly(1L, 2L, 3L, 4L);
            expiredIds = List.of(id(a1), id(a3), id(bs.get(0)), id(bs.get(1)));
            survivorIds = List.of(id(a2), id(a4));

            // Nothing has expired yet: whatever passes the timer ran removed nothing.
            assertThat(history(hub, a, "").path("events")).extracting(e -> e.path("offset").asLong())
                    .containsExactly(1L, 2L, 3L, 4L);
            assertThat(history(hub, b, "").path("events")).hasSize(2);

            // memory_only events expire one hour after their timestamp; the others last a day or more.
            clock.advance(Duration.ofHours(1));

            // The next pass of the timer removes the four from both tiers and the API reports it: the
            // running totals (each later pass finds nothing, so they stay at 4) and the same in the metric.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> hub.get(INTERNAL_STATE).json().path("history").path("cleaned_total"),
                            c -> c.path("memory_cleaned").asLong() == 4 && c.path("database_cleaned").asLong() == 4);
            JsonNode last = lastCleanup(hub);
            assertThat(last.has("memory_cleaned") && last.has("database_cleaned")).as("last_cleanup %s", last).isTrue();
            assertThat(last.path("memory_cleaned").asLong()).isIn(0L, 4L);
            String scrape = hub.get("/api/v1/project-index/websocket/metrics/prometheus").body();
            assertThat(scrape.lines().filter(l -> l.startsWith("project_index_websocket_history_cleaned_events_total{"))
                    .map(l -> l.replaceAll(".*tier=\"([a-z]+)\".*\\s(\\S+)$", "$1 $2")))
                    .containsExactlyInAnyOrder("memory 4.0", "database 4.0");
            assertThat(hub.get(INTERNAL_STATE).json().path("history").path("backend").asText()).isEqualTo(name);

            // The survivors are still there, from memory; the expired ones are gone and the gap is reported.
            assertSurvivors(hub, a, b, epochA, expiredIds, survivorIds);

            WsRecorder ws = hub.connectWelcomed("");
            JsonNode first = ws.request("{\"action\":\"replay\",\"project_id\":\"" + a + "\",\"since_offset\":0}");
            List<JsonNode> replayed = List.of(first, ws.awaitJson());
            assertThat(replayed).extracting(e -> e.path("offset").asLong()).containsExactly(2L, 4L);
            assertThat(replayed).extracting(ScheduledCleanupIT::id).containsExactlyElementsOf(survivorIds);
            assertThat(replayed).allSatisfy(e -> assertThat(e.path("replay").asBoolean()).isTrue());
            JsonNode complete = ws.awaitType("replay_complete").path("data");
            assertThat(complete.path("events_replayed").asInt()).isEqualTo(2);
            assertThat(complete.path("recovered").asBoolean()).isFalse();
            assertThat(complete.path("reason").asText()).isEqualTo("history_expired");

            // A client that had seen offset 1 cannot resume without a gap: offset 3 has expired.
            JsonNode ack = ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + a
                    + "\",\"since_offset\":1,\"epoch\":\"" + epochA + "\"}");
            assertThat(ack.path("type").asText()).isEqualTo("subscription_ack");
            assertThat(ack.path("data").path("recovered").asBoolean()).as("ack %s", ack).isFalse();
            assertThat(ack.path("data").path("reason").asText()).isEqualTo("history_expired");
            ws.assertNoMoreFrames(Duration.ofMillis(200));
            ws.close();
        }

        // After a restart the memory tier is empty: the same reads come from the database.
        try (TestHub hub = TestHub.start(settings, clock)) {
            assertSurvivors(hub, a, b, epochA, expiredIds, survivorIds);
        }
    }

    private static void assertSurvivors(TestHub hub, UUID a, UUID b, String epochA, List<String> expiredIds,
                                        List<String> survivorIds) {
        JsonNode all = history(hub, a, "");
        assertThat(all.path("events")).extracting(e -> e.path("offset").asLong()).containsExactly(2L, 4L);
        assertThat(all.path("events")).extracting(ScheduledCleanupIT::id).containsExactlyElementsOf(survivorIds)
                .doesNotContainAnyElementsOf(expiredIds);
        assertThat(all.path("epoch").asText()).isEqualTo(epochA);
        assertThat(all.path("head_offset").asLong()).isEqualTo(4);
        assertThat(all.path("recovered").asBoolean()).isFalse();
        assertThat(all.path("reason").asText()).isEqualTo("history_expired");

        JsonNode afterGap = history(hub, a, "&since_offset=3&epoch=" + epochA);
        assertThat(afterGap.path("events")).extracting(e -> e.path("offset").asLong()).containsExactly(4L);
        assertThat(afterGap.path("recovered").asBoolean()).isTrue();
        JsonNode acrossGap = history(hub, a, "&since_offset=2&epoch=" + epochA);
        assertThat(acrossGap.path("events")).extracting(e -> e.path("offset").asLong()).containsExactly(4L);
        assertThat(acrossGap.path("recovered").asBoolean()).isFalse();

        JsonNode onlyExpired = history(hub, b, "");
        assertThat(onlyExpired.path("events")).isEmpty();
        assertThat(onlyExpired.path("head_offset").asLong()).isEqualTo(2);
        assertThat(onlyExpired.path("recovered").asBoolean()).isFalse();
        assertThat(onlyExpired.path("reason").asText()).isEqualTo("history_expired");
    }

    private static JsonNode history(TestHub hub, UUID project, String query) {
        TestHub.Response r = hub.get("/api/v1/project-index/events?project_id=" + project + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode lastCleanup(TestHub hub) {
        return hub.get(INTERNAL_STATE).json().path("history").path("last_cleanup");
    }

    private static JsonNode accepted(JsonNode publishAnswer) {
        return publishAnswer.path("accepted").get(0);
    }

    private static String id(JsonNode event) {
        return event.path("id").asText();
    }

    private static String withLevel(String event, String level) {
        ObjectNode n = (ObjectNode) Json.readTree(event);
        n.put("persistence_level", level);
        return n.toString();
    }
}
