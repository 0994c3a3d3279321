package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Resuming a subscription from (epoch, offset) or from a time: no gap and no duplicate at the seam. */
class ResumeIT {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static String subscribe(UUID p, String extra) {
        return "{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"" + extra + "}";
    }

    @Test
    void aReconnectingClientGetsEveryMissedEventOnceThenLiveEventsWithoutGapWhilePublishingContinues() throws Exception {
        UUID p = UUID.randomUUID();
        WsRecorder first = hub.connectWelcomed("client_id=resumer");
        JsonNode ack = first.request(subscribe(p, ""));
        String epoch = ack.path("data").path("epoch").asText();
        for (int i = 0; i < 20; i++) {
            hub.publish(Events.progress(p, UUID.randomUUID(), i));
        }
        List<JsonNode> before = first.awaitEvents(20);
        long last = before.get(19).path("offset").asLong();
        assertThat(last).isEqualTo(20);
        first.close();

        for (int i = 0; i < 10; i++) {
            List<String> batch = new ArrayList<>();
            for (int j = 0; j < 50; j++) {
                batch.add(j % 7 == 0 ? Events.dependency(p, "f" + j) : Events.progress(p, UUID.randomUUID(), j));
            }
            hub.publish(Events.batch(batch));
        }

        // publishing continues while the client reconnects
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicLong published = new AtomicLong(520);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            while (publishing.get()) {
                hub.publish(Events.updated(p));
                published.incrementAndGet();
            }
        });
        WsRecorder second = hub.connectWelcomed("client_id=resumer");
        JsonNode resumed = second.request(subscribe(p, ",\"since_offset\":" + last + ",\"epoch\":\"" + epoch + "\""));
        assertThat(resumed.path("type").asText()).isEqualTo("subscription_ack");
        assertThat(resumed.path("data").path("recovered").asBoolean()).isTrue();
        assertThat(resumed.path("data").path("epoch").asText()).isEqualTo(epoch);
        assertThat(resumed.path("data").path("offset").asLong()).isGreaterThanOrEqualTo(520);

        List<JsonNode> got = new ArrayList<>(second.awaitEvents(600));
        publishing.set(false);
        publisher.get(30, TimeUnit.SECONDS);
        long total = published.get();
        got.addAll(second.awaitEvents((int) (total - last - got.size())));
        second.assertNoMoreFrames(Duration.ofMillis(300));

        long expected = last + 1;
        boolean inReplay = true;
        for (JsonNode e : got) {
            assertThat(e.path("offset").asLong()).as("offset after %s", expected - 1).isEqualTo(expected);
            assertThat(e.path("epoch").asText()).isEqualTo(epoch);
            boolean replayed = e.path("replay").asBoolean(false);
            if (!replayed) {
                inReplay = false;
            }
            assertThat(replayed && !inReplay).as("a replayed event after live ones at %s", expected).isFalse();
            expected++;
        }
        assertThat(expected - 1).isEqualTo(total);
        assertThat(got.get(0).path("replay").asBoolean()).isTrue();
        assertThat(got.get(499).path("replay").asBoolean()).isTrue();
        second.close();
    }

    @Test
    void aStaleEpochIsNotRecoveredButLiveDeliveryStarts() {
        UUID p = UUID.randomUUID();
        hub.publish(Events.updated(p));
        WsRecorder ws = hub.connectWelcomed("");
        JsonNode ack = ws.request(subscribe(p, ",\"since_offset\":1,\"epoch\":\"stale000\""));
        JsonNode d = ack.path("data");
        assertThat(d.path("recovered").asBoolean()).isFalse();
        assertThat(d.path("reason").asText()).isEqualTo("epoch_changed");
        assertThat(d.path("epoch").asText()).isNotEqualTo("stale000");
        assertThat(d.path("offset").asLong()).isEqualTo(1);
        hub.publish(Events.updated(p));
        JsonNode live = ws.awaitEvents(1).get(0);
        assertThat(live.path("offset").asLong()).isEqualTo(2);
        assertThat(live.has("replay")).isFalse();
        ws.assertNoMoreFrames(Duration.ofMillis(200));
        ws.close();
    }

    @Test
    void resumingByTimeReplaysEventsStrictlyAfterIt() {
        UUID p = UUID.randomUUID();
        hub.publish(Events.updated(p));
        String since = hub.publish(Events.updated(p)).path("accepted").get(0).path("timestamp").asText();
        // The third event must be stamped in a later millisecond, or "after the second" is empty.
        long stamped = java.time.Instant.parse(since).toEpochMilli();
        org.awaitility.Awaitility.await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(2))
                .until(() -> System.currentTimeMillis() > stamped);
        hub.publish(Events.dependency(p, "a.py"));
        List<Long> expected = new ArrayList<>();
        hub.get("/api/v1/project-index/events?project_id=" + p).json().path("events").forEach(e -> {
            if (e.path("timestamp").asText().compareTo(since) > 0) {
                expected.add(e.path("offset").asLong());
            }
        });
        assertThat(expected).containsExactly(3L);
        WsRecorder ws = hub.connectWelcomed("");
        JsonNode ack = ws.request(subscribe(p, ",\"since\":\"" + since + "\""));
        assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
        List<Long> got = new ArrayList<>();
        ws.awaitEvents(expected.size()).forEach(e -> got.add(e.path("offset").asLong()));
        assertThat(got).isEqualTo(expected);
        ws.assertNoMoreFrames(Duration.ofMillis(200));
        ws.close();
    }

    @Test
    void resumeHonoursTheSubscriptionsTypesAndSession() {
        UUID p = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        String epoch = hub.publish(Events.updated(p)).path("accepted").get(0).path("epoch").asText();
        hub.publish(Events.progress(p, session, 10));
        hub.publish(Events.progress(p, UUID.randomUUID(), 20));
        hub.publish(Events.progress(p, session, 30));
        WsRecorder ws = hub.connectWelcomed("");
        JsonNode ack = ws.request(subscribe(p, ",\"event_types\":[\"analysis_progress\"],\"session_id\":\"" + session
                + "\",\"since_offset\":0,\"epoch\":\"" + epoch + "\""));
        assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
        assertThat(ws.awaitEvents(2)).extracting(e -> e.path("offset").asLong()).containsExactly(2L, 4L);
        ws.assertNoMoreFrames(Duration.ofMillis(200));
        ws.close();
    }

    @Test
    void anEventMatchingTwoSubscriptionsOfOneConnectionIsDeliveredOnce() {
        UUID p = UUID.randomUUID();
        WsRecorder ws = hub.connectWelcomed("");
        ws.request(subscribe(p, ",\"event_types\":[\"project_index_updated\"]"));
        ws.request("{\"action\":\"subscribe\"}");
        ws.request(subscribe(p, ""));
        hub.publish(Events.updated(p));
        hub.publish(Events.context(p));
        assertThat(ws.awaitEvents(2)).extracting(e -> e.path("offset").asLong()).containsExactly(1L, 2L);
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
    }

    @Test
    void tooManyMissedEventsOrEvictedHistoryAreReportedNotSilentlySkipped() {
        try (TestHub small = TestHub.start(Map.of("WEBSOCKET_RESUME_MAX_EVENTS", "5", "EVENT_HISTORY_MAX_EVENTS", "8"))) {
            UUID p = UUID.randomUUID();
            String epoch = null;
            for (int i = 0; i < 12; i++) {
                epoch = small.publish(Events.updated(p)).path("accepted").get(0).path("epoch").asText();
            }
            WsRecorder ws = small.connectWelcomed("");
            JsonNode tooMany = ws.request(subscribe(p, ",\"since_offset\":6,\"epoch\":\"" + epoch + "\""));
            assertThat(tooMany.path("data").path("recovered").asBoolean()).isFalse();
            assertThat(tooMany.path("data").path("reason").asText()).isEqualTo("too_many");
            JsonNode expired = ws.request(subscribe(p, ",\"since_offset\":2,\"epoch\":\"" + epoch
                    + "\",\"event_types\":[\"context_optimized\"]"));
            assertThat(expired.path("data").path("reason").asText()).isIn("history_expired", "too_many");
            JsonNode ok = ws.request(subscribe(p, ",\"since_offset\":9,\"epoch\":\"" + epoch + "\",\"subscription_id\":\"ok\""));
            assertThat(ok.path("data").path("recovered").asBoolean()).isTrue();
            assertThat(ws.awaitEvents(3)).extracting(e -> e.path("offset").asLong()).containsExactly(10L, 11L, 12L);
            ws.close();
        }
        try (TestHub small = TestHub.start(Map.of("EVENT_HISTORY_MAX_EVENTS", "4"))) {
            UUID p = UUID.randomUUID();
            String epoch = null;
            for (int i = 0; i < 6; i++) {
                epoch = small.publish(Events.updated(p)).path("accepted").get(0).path("epoch").asText();
            }
            WsRecorder ws = small.connectWelcomed("");
            JsonNode expired = ws.request(subscribe(p, ",\"since_offset\":1,\"epoch\":\"" + epoch + "\""));
            assertThat(expired.path("data").path("recovered").asBoolean()).isFalse();
            assertThat(expired.path("data").path("reason").asText()).isEqualTo("history_expired");
            ws.assertNoMoreFrames(Duration.ofMillis(200));
            ws.close();
        }
    }
}
