package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.SseRecorder;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data protection end to end: the fields of the {@code redact} section are missing from what a
 * non-admin client receives — live and replayed WebSocket events, batches, a resume, Server-Sent
 * Events and the history query — while admins get them, and filters still see them.
 */
class RedactionIT {
    private static final UUID P = UUID.randomUUID();

    @TempDir
    static Path dir;
    private static TestHub hub;

    @BeforeAll
    static void start() throws IOException {
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, """
                redact:
                  - analysis_progress.last_error
                  - dependency_changed.file_metadata.language
                  - "*.**.api_key"
                """);
        hub = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", "off", "HUB_CONFIG", config.toString()));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String reader() {
        return token("reader", List.of(P.toString()), "events:read", Duration.ofHours(1));
    }

    static String admin() {
        return token("root", List.of("*"), "admin", Duration.ofHours(1));
    }

    static String progressWithSecrets(UUID session, int pct) {
        return """
                {"type":"analysis_progress","data":{"project_id":"%s","session_id":"%s","progress_percentage":%d,
                 "last_error":"Traceback: /home/alice/secret.py","performance_metrics":{"api_key":"sk-123","cpu_usage_percent":5}}}
                """.formatted(P, session, pct);
    }

    static void publish(String body) {
        TestHub.Response r = AuthFixtures.post(hub, "/api/v1/project-index/events", body,
                token("indexer", List.of("*"), "events:publish", Duration.ofHours(1)));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    static void assertRedacted(JsonNode event) {
        JsonNode data = event.path("data");
        assertThat(data.has("last_error")).as("last_error in %s", event).isFalse();
        assertThat(data.path("performance_metrics").has("api_key")).isFalse();
        assertThat(data.path("performance_metrics").path("cpu_usage_percent").asInt()).isEqualTo(5);
        assertThat(data.path("session_id").asText()).isNotEmpty();
    }

    static void assertFull(JsonNode event) {
        assertThat(event.path("data").path("last_error").asText()).startsWith("Traceback");
        assertThat(event.path("data").path("performance_metrics").path("api_key").asText()).isEqualTo("sk-123");
    }

    @Test
    void liveBatchedAndReplayedEventsReachNonAdminsWithoutTheFieldsAndAdminsWithThem() {
        WsRecorder plain = hub.connectWelcomed("token=" + reader());
        WsRecorder batched = hub.connectWelcomed("token=" + reader() + "&batch=true");
        WsRecorder root = hub.connectWelcomed("token=" + admin());
        for (WsRecorder ws : List.of(plain, batched, root)) {
            assertThat(ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + P + "\",\"event_types\":"
                    + "[\"analysis_progress\"]}").path("type").asText()).isEqualTo("subscription_ack");
        }
        UUID session = UUID.randomUUID();
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 12; i++) {
            body.append(i == 0 ? "" : ",").append(progressWithSecrets(session, i));
        }
        publish(body.append("]").toString());

        plain.awaitEvents(12).forEach(RedactionIT::assertRedacted);
        batched.awaitEvents(12).forEach(RedactionIT::assertRedacted);
        root.awaitEvents(12).forEach(RedactionIT::assertFull);

        plain.send("{\"action\":\"replay\",\"project_id\":\"" + P + "\",\"max_events\":1000}");
        JsonNode f;
        int replayed = 0;
        while (!(f = plain.awaitJson()).path("type").asText().equals("replay_complete")) {
            if (f.path("type").asText().equals("analysis_progress")) {
                assertThat(f.path("replay").asBoolean()).isTrue();
                assertRedacted(f);
                replayed++;
            }
        }
        assertThat(replayed).isGreaterThanOrEqualTo(12);
        for (WsRecorder ws : List.of(plain, batched, root)) {
            ws.close();
        }
    }

    @Test
    void aResumeAndTheHistoryQueryAreRedactedForNonAdminsOnly() {
        UUID session = UUID.randomUUID();
        publish(progressWithSecrets(session, 1));
        JsonNode head = AuthFixtures.get(hub, "/api/v1/project-index/events?project_id=" + P + "&limit=1", reader())
                .json();
        long from = head.path("head_offset").asLong();
        String epoch = head.path("epoch").asText();
        publish(progressWithSecrets(session, 2));

        WsRecorder ws = hub.connectWelcomed("token=" + reader());
        JsonNode ack = ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + P + "\",\"since_offset\":" + from
                + ",\"epoch\":\"" + epoch + "\",\"event_types\":[\"analysis_progress\"]}");
        assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
        JsonNode missed = ws.awaitEvents(1).get(0);
        assertThat(missed.path("replay").asBoolean()).isTrue();
        assertRedacted(missed);
        ws.close();

        String query = "/api/v1/project-index/events?project_id=" + P + "&since_offset=" + from;
        AuthFixtures.get(hub, query, reader()).json().path("events").forEach(RedactionIT::assertRedacted);
        JsonNode full = AuthFixtures.get(hub, query, admin()).json().path("events");
        assertThat(full).isNotEmpty();
        full.forEach(RedactionIT::assertFull);
    }

    @Test
    void serverSentEventsAreRedactedForNonAdmins() {
        URI uri = URI.create(hub.baseUrl() + "/api/v1/project-index/events/stream?project_id=" + P
                + "&event_types=analysis_progress");
        SseRecorder readerStream = SseRecorder.open(uri, Map.of("Authorization", "Bearer " + reader()));
        SseRecorder adminStream = SseRecorder.open(uri, Map.of("Authorization", "Bearer " + admin()));
        assertThat(readerStream.status()).isEqualTo(200);
        publish(progressWithSecrets(UUID.randomUUID(), 50));
        assertRedacted(readerStream.awaitEvent().json());
        assertFull(adminStream.awaitEvent().json());
        readerStream.close();
        adminStream.close();
    }

    @Test
    void filtersSeeTheRedactedFieldsBeforeDelivery() {
        WsRecorder ws = hub.connectWelcomed("token=" + reader());
        ws.request("""
                {"action":"subscribe","project_id":"%s","event_types":["dependency_changed"],
                 "filters":{"rules":[{"criteria":"file_language","operator":"equals","value":"python"}]}}""".formatted(P));
        publish("[" + Events.dependency(P, "a.py").replace("\"python\"", "\"rust\"") + ","
                + Events.dependency(P, "b.py") + "]");
        JsonNode delivered = ws.awaitEvents(1).get(0);
        assertThat(delivered.path("data").path("file_path").asText()).isEqualTo("b.py");
        assertThat(delivered.path("data").path("file_metadata").has("language")).isFalse();
        assertThat(delivered.path("data").path("file_metadata").path("file_size").asInt()).isEqualTo(2048);
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
    }

    @Test
    void aRefreshThatDropsTheAdminScopeRedactsTheEventsThatFollow() {
        String rootAdmin = token("ops", List.of("*"), "admin", Duration.ofHours(1));
        WsRecorder ws = hub.connectWelcomed("token=" + rootAdmin);
        ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + P + "\",\"event_types\":[\"analysis_progress\"]}");
        publish(progressWithSecrets(UUID.randomUUID(), 10));
        assertFull(ws.awaitEvents(1).get(0));
        JsonNode ack = ws.request("{\"action\":\"refresh\",\"token\":\""
                + token("ops", List.of("*"), "events:read", Duration.ofHours(1)) + "\"}");
        assertThat(ack.path("type").asText()).isEqualTo("refresh_ack");
        publish(progressWithSecrets(UUID.randomUUID(), 20));
        assertRedacted(ws.awaitEvents(1).get(0));
        ws.close();
    }
}
