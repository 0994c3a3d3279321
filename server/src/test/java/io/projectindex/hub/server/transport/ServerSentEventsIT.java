package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.SseRecorder;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /events/stream}: records with {@code epoch:offset} ids, type filters, resume by
 * {@code Last-Event-ID} with no gap or duplicate at the seam, the {@code reset} record, keep-alive
 * comments, slow consumers, graceful shutdown, and the stream's metrics.
 */
class ServerSentEventsIT {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("WEBSOCKET_PING_INTERVAL_MS", "200"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static URI stream(TestHub h, String query) {
        return URI.create(h.baseUrl() + "/api/v1/project-index/events/stream?" + query);
    }

    private static SseRecorder open(UUID project, String extra, Map<String, String> headers) {
        SseRecorder s = SseRecorder.open(stream(hub, "project_id=" + project + extra), headers);
        assertThat(s.status()).isEqualTo(200);
        return s;
    }

    @Test
    void eachEventIsOneRecordWithItsPositionAsIdItsTypeAndTheEnvelopeOnOneDataLine() {
        UUID p = UUID.randomUUID();
        SseRecorder s = open(p, "", Map.of());
        assertThat(s.header("Content-Type")).startsWith("text/event-stream");
        assertThat(s.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(s.awaitRecord(WsRecorder.TIMEOUT).retry()).isEqualTo(SseStream.RETRY_MILLIS);
        JsonNode accepted = hub.publish("[" + Events.updated(p) + "," + Events.updated(UUID.randomUUID()) + ","
                + Events.dependency(p, "src/a.py") + "]");
        String epoch = accepted.path("accepted").get(0).path("epoch").asText();

        List<SseRecorder.Record> got = s.awaitEvents(2);
        assertThat(got).extracting(SseRecorder.Record::event).containsExactly("project_index_updated", "dependency_changed");
        assertThat(got).extracting(SseRecorder.Record::id).containsExactly(epoch + ":1", epoch + ":2");
        JsonNode envelope = got.get(1).json();
        assertThat(got.get(1).data()).doesNotContain("\n");
        assertThat(envelope.path("type").asText()).isEqualTo("dependency_changed");
        assertThat(envelope.path("offset").asLong()).isEqualTo(2);
        assertThat(envelope.path("epoch").asText()).isEqualTo(epoch);
        assertThat(envelope.path("data").path("file_path").asText()).isEqualTo("src/a.py");
        assertThat(envelope.has("replay")).isFalse();
        s.assertNoMoreEvents(Duration.ofMillis(300));
        s.close();
    }

    @Test
    void eventTypesNarrowTheStreamAndAnUnknownTypeIsRefused() {
        UUID p = UUID.randomUUID();
        SseRecorder s = open(p, "&event_types=analysis_progress,context_optimized", Map.of());
        hub.publish("[" + Events.updated(p) + "," + Events.progress(p, UUID.randomUUID(), 10) + ","
                + Events.dependency(p, "x.py") + "," + Events.context(p) + "]");
        assertThat(s.awaitEvents(2)).extracting(SseRecorder.Record::event)
                .containsExactly("analysis_progress", "context_optimized");
        s.close();

        SseRecorder bad = SseRecorder.open(stream(hub, "project_id=" + p + "&event_types=nope"), Map.of());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error().path("details").path("field").asText()).isEqualTo("event_types");
        SseRecorder noProject = SseRecorder.open(stream(hub, "event_types=analysis_progress"), Map.of());
        assertThat(noProject.status()).isEqualTo(400);
        assertThat(noProject.error().path("details").path("field").asText()).isEqualTo("project_id");
        SseRecorder badId = SseRecorder.open(stream(hub, "project_id=" + p), Map.of("Last-Event-ID", "nonsense"));
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.error().path("details").path("field").asText()).isEqualTo("Last-Event-ID");
    }

    @Test
    void lastEventIdResumesWithEveryMissedEventOnceThenLiveOnesWhilePublishingContinues() throws Exception {
        UUID p = UUID.randomUUID();
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            first.add(i % 5 == 0 ? Events.dependency(p, "f" + i) : Events.progress(p, UUID.randomUUID(), i % 100));
        }
        String epoch = hub.publish(Events.batch(first)).path("accepted").get(0).path("epoch").asText();

        AtomicBoolean publishing = new AtomicBoolean(true);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            while (publishing.get()) {
                hub.publish(Events.updated(p));
            }
        });
        // The browser's reconnect header wins over a stale position in the URL.
        SseRecorder s = open(p, "&last_event_id=" + epoch + ":1", Map.of("Last-Event-ID", epoch + ":40"));
        List<SseRecorder.Record> got = new ArrayList<>(s.awaitEvents(400));
        publishing.set(false);
        publisher.get(30, TimeUnit.SECONDS);
        long head = hub.get("/api/v1/project-index/events?project_id=" + p + "&since_offset=0&limit=1").json()
                .path("head_offset").asLong();
        while (got.get(got.size() - 1).json().path("offset").asLong() < head) {
            got.add(s.awaitEvent());
        }
        long expected = 41;
        Set<String> ids = new HashSet<>();
        for (SseRecorder.Record r : got) {
            JsonNode e = r.json();
            assertThat(e.path("offset").asLong()).as("offsets in order, no gap, no duplicate").isEqualTo(expected++);
            assertThat(r.id()).isEqualTo(epoch + ":" + e.path("offset").asLong());
            assertThat(ids.add(r.id())).isTrue();
            if (e.path("offset").asLong() <= 300) {
                assertThat(e.path("replay").asBoolean()).as("missed event %s", r.id()).isTrue();
            }
        }
        s.assertNoMoreEvents(Duration.ofMillis(300));
        s.close();
    }

    @Test
    void aStreamThatCannotBeRecoveredGetsAResetRecordAndThenLiveEvents() {
        UUID p = UUID.randomUUID();
        String epoch = hub.publish(Events.updated(p)).path("accepted").get(0).path("epoch").asText();
        hub.publish(Events.updated(p));

        SseRecorder s = open(p, "&last_event_id=zzzzzzzz:1", Map.of());
        SseRecorder.Record reset = s.awaitEvent();
        assertThat(reset.event()).isEqualTo("reset");
        assertThat(reset.id()).as("the head, so a reconnect does not ask again").isEqualTo(epoch + ":2");
        JsonNode data = reset.json();
        assertThat(data.path("recovered").asBoolean(true)).isFalse();
        assertThat(data.path("reason").asText()).isEqualTo("epoch_changed");
        assertThat(data.path("epoch").asText()).isEqualTo(epoch);
        assertThat(data.path("offset").asLong()).isEqualTo(2);

        hub.publish(Events.updated(p));
        SseRecorder.Record live = s.awaitEvent();
        assertThat(live.id()).isEqualTo(epoch + ":3");
        assertThat(live.json().has("replay")).isFalse();
        s.close();
    }

    @Test
    void tooManyMissedEventsIsAResetWithItsReason() {
        try (TestHub small = TestHub.start(Map.of("WEBSOCKET_RESUME_MAX_EVENTS", "5"))) {
            UUID p = UUID.randomUUID();
            List<String> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(Events.updated(p));
            }
            String epoch = small.publish(Events.batch(ten)).path("accepted").get(0).path("epoch").asText();
            SseRecorder s = SseRecorder.open(stream(small, "project_id=" + p), Map.of("Last-Event-ID", epoch + ":2"));
            SseRecorder.Record reset = s.awaitEvent();
            assertThat(reset.event()).isEqualTo("reset");
            assertThat(reset.json().path("reason").asText()).isEqualTo("too_many");
            assertThat(reset.json().path("offset").asLong()).isEqualTo(10);
            s.assertNoMoreEvents(Duration.ofMillis(200));
            s.close();
        }
    }

    @Test
    void anIdleStreamGetsKeepAliveComments() {
        SseRecorder s = open(UUID.randomUUID(), "", Map.of());
        SseRecorder.Record r;
        do {
            r = s.awaitRecord(Duration.ofSeconds(5));
        } while (r.comment() == null);
        assertThat(r.comment()).isEqualTo("keep-alive");
        s.close();
    }

    @Test
    void streamsAreCountedInTheMetricsAndListedWithTheConnections() {
        UUID p = UUID.randomUUID();
        int before = hub.server().services().metrics().sseStreams();
        SseRecorder s = open(p, "", Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.server().services().metrics().sseStreams() == before + 1);
        JsonNode connections = hub.get("/api/v1/project-index/websocket/connections").json();
        assertThat(connections.path("summary").path("sse_streams").asLong()).isGreaterThanOrEqualTo(1);
        boolean listed = false;
        for (JsonNode c : connections.path("connections")) {
            if (c.path("transport").asText().equals("sse")
                    && c.path("subscriptions").get(0).path("project_id").asText().equals(p.toString())) {
                listed = true;
            }
        }
        assertThat(listed).isTrue();
        assertThat(hub.get("/api/v1/project-index/websocket/metrics/prometheus").body())
                .contains("project_index_websocket_sse_streams ");
        s.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.server().services().metrics().sseStreams() == before);
        assertThat(hub.server().services().connectionSlots().get()).isZero();
    }

    @Test
    void aClientThatStopsReadingIsCutOffAsASlowConsumer() throws Exception {
        try (TestHub small = TestHub.start(Map.of("WEBSOCKET_CONNECTION_QUEUE_EVENTS", "20"))) {
            UUID p = UUID.randomUUID();
            try (Socket raw = new Socket()) {
                raw.setReceiveBufferSize(4096);
                raw.connect(new java.net.InetSocketAddress("127.0.0.1", small.port()));
                OutputStream out = raw.getOutputStream();
                out.write(("GET /api/v1/project-index/events/stream?project_id=" + p + " HTTP/1.1\r\nHost: x\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                await().atMost(Duration.ofSeconds(5)).until(() -> small.server().services().metrics().sseStreams() == 1);
                String pad = "x".repeat(60_000);
                for (int i = 0; i < 200 && small.server().services().metrics().sseStreams() == 1; i++) {
                    small.publish("{\"type\":\"dependency_changed\",\"data\":{\"project_id\":\"" + p
                            + "\",\"file_path\":\"src/" + i + ".py\",\"change_type\":\"modified\",\"blob\":\"" + pad + "\"}}");
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> small.server().services().metrics().sseStreams() == 0);
            } catch (IOException ignored) {
                // the hub reset the connection
            }
            JsonNode ended = small.get("/api/v1/project-index/websocket/metrics").json().path("metrics")
                    .path("connections").path("sse_streams_ended");
            assertThat(ended.path("slow_consumer").asLong()).isEqualTo(1);
            assertThat(small.server().services().connectionSlots().get()).isZero();
        }
    }

    @Test
    void aGracefulShutdownSendsANoticeAndEndsTheStream() {
        TestHub own = TestHub.start();
        SseRecorder s = SseRecorder.open(stream(own, "project_id=" + UUID.randomUUID()), Map.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> own.server().services().metrics().sseStreams() == 1);
        own.stop();
        List<SseRecorder.Record> events = s.awaitEnd();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).event()).isEqualTo("notice");
        assertThat(events.get(0).json().path("kind").asText()).isEqualTo("shutdown");
    }
}
