package io.projectindex.hub.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The delivery pipeline end to end: batching, gzip, slow consumers, the outbound bucket, inbound limits, the connection cap. */
class DeliveryIT {

    private static String subscribe(UUID p) {
        return "{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}";
    }

    @Test
    void eventsArrivingWhileAWriteIsPendingAreBatchedWithinTheLimits() {
        try (TestHub hub = TestHub.start()) {
            UUID p = UUID.randomUUID();
            WsRecorder ws = hub.connectWelcomed("batch=true");
            ws.request(subscribe(p));
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                events.add(Events.progress(p, UUID.randomUUID(), i));
            }
            hub.publish(Events.batch(events));
            long expected = 1;
            int frames = 0;
            int batches = 0;
            // The connection is idle when the first event arrives: it goes out at once, on its own.
            JsonNode firstFrame = ws.awaitFrame().json();
            assertThat(firstFrame.path("type").asText()).isEqualTo("analysis_progress");
            assertThat(firstFrame.path("offset").asLong()).isEqualTo(expected++);
            frames++;
            while (expected <= 25) {
                WsRecorder.Frame f = ws.awaitFrame();
                assertThat(f.kind()).isEqualTo("text");
                JsonNode n = f.json();
                frames++;
                List<JsonNode> inFrame = new ArrayList<>();
                if (n.path("type").asText().equals("batch")) {
                    batches++;
                    assertThat(n.path("timestamp").asText()).endsWith("Z");
                    n.path("events").forEach(inFrame::add);
                    assertThat(inFrame.size()).isBetween(2, 10);
                    assertThat(f.text().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8192);
                } else {
                    inFrame.add(n);
                }
                for (JsonNode e : inFrame) {
                    assertThat(e.path("offset").asLong()).isEqualTo(expected++);
                }
            }
            // the idle connection gets the first event at once; the rest wait for the window and are batched
            assertThat(batches).isGreaterThanOrEqualTo(3);
            assertThat(frames).isLessThan(25);
            JsonNode stats = ws.request("{\"action\":\"get_stats\"}").path("data");
            assertThat(stats.path("batches_sent").asLong()).isEqualTo(batches);
            ws.close();
        }
    }

    @Test
    void aBatchFrameNeverExceedsEightKilobytesSoLargeEventsAreSplitByBytesNotByCount() {
        try (TestHub hub = TestHub.start()) {
            UUID p = UUID.randomUUID();
            WsRecorder ws = hub.connectWelcomed("batch=true");
            ws.request(subscribe(p));
            // About 3 KB each: two fit in the 8 KB limit, three never do, whatever the timing.
            String padding = "x".repeat(3000);
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                events.add(Events.updated(p).replace("\"warnings\":[]", "\"warnings\":[],\"notes\":\"" + padding + "\""));
            }
            hub.publish(Events.batch(events));
            long expected = 1;
            int batches = 0;
            while (expected <= 12) {
                WsRecorder.Frame f = ws.awaitFrame();
                JsonNode n = f.json();
                List<JsonNode> inFrame = new ArrayList<>();
                if (n.path("type").asText().equals("batch")) {
                    batches++;
                    n.path("events").forEach(inFrame::add);
                    assertThat(f.text().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(8192);
                    assertThat(inFrame).hasSize(2);
                } else {
                    inFrame.add(n);
                }
                for (JsonNode e : inFrame) {
                    assertThat(e.path("offset").asLong()).isEqualTo(expected++);
                    assertThat(e.path("data").path("notes").asText()).hasSize(3000);
                }
            }
            assertThat(batches).as("the events that waited were coalesced, two per frame").isGreaterThanOrEqualTo(3);
            ws.close();
        }
    }

    @Test
    void largeEventsArriveAsGzipBinaryFramesAndSmallOnesStayText() {
        try (TestHub hub = TestHub.start()) {
            UUID p = UUID.randomUUID();
            WsRecorder ws = hub.connectWelcomed("compression=gzip");
            ws.request(subscribe(p));
            List<String> affected = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                affected.add("\"src/module_" + i + "/component.py\"");
            }
            String big = Events.dependency(p, "src/big.py").replace("\"affected_files\":[\"src/main.py\",\"src/app.py\"]",
                    "\"affected_files\":[" + String.join(",", affected) + "]");
            hub.publish(big);
            hub.publish(Events.updated(p));
            WsRecorder.Frame first = ws.awaitFrame();
            assertThat(first.kind()).isEqualTo("binary");
            assertThat(first.bytes().length).isLessThan(first.text().getBytes(StandardCharsets.UTF_8).length * 8 / 10);
            JsonNode history = hub.get("/api/v1/project-index/events?project_id=" + p).json().path("events");
            assertThat(Json.readTree(first.text())).isEqualTo(history.get(0));
            WsRecorder.Frame second = ws.awaitFrame();
            assertThat(second.kind()).isEqualTo("text");
            assertThat(second.json().path("offset").asLong()).isEqualTo(2);
            ws.send("{\"action\":\"get_stats\",\"pad\":\"" + "y".repeat(3000) + "\"}");
            WsRecorder.Frame stats = ws.awaitFrame();
            assertThat(stats.kind()).as("control frames are always text").isEqualTo("text");
            assertThat(stats.json().path("data").path("compressed_frames").asLong()).isEqualTo(1);
            ws.close();
        }
    }

    /** A JDK WebSocket that reads only when told to, so the hub sees a consumer that stopped reading. */
    static final class StoppedReader implements WebSocket.Listener {
        final StringBuilder part = new StringBuilder();
        final List<JsonNode> events = new ArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Void> subscribed = new CompletableFuture<>();

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(3); // welcome, subscription ack, one event
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                JsonNode n = Json.readTree(part.toString());
                part.setLength(0);
                if (n.has("offset")) {
                    events.add(n);
                } else if (n.path("type").asText().equals("subscription_ack")) {
                    subscribed.complete(null);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(1006);
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedWith4008AndAfterResumingHasEveryEventExactlyOnce() throws Exception {
        try (TestHub hub = TestHub.start(Map.of("WEBSOCKET_CONNECTION_QUEUE_EVENTS", "50"))) {
            UUID p = UUID.randomUUID();
            StoppedReader reader = new StoppedReader();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(hub.wsUri(""), reader).join();
            ws.sendText(subscribe(p), true).join();
            reader.subscribed.get(30, TimeUnit.SECONDS);
            String epoch = hub.publish(Events.updated(p)).path("accepted").get(0).path("epoch").asText();
            String padding = "x".repeat(2000);
            int total = 1;
            double slowBefore = slowConsumers(hub);
            // publish until the hub gives up on the reader (bounded by count)
            for (int round = 0; round < 400 && slowConsumers(hub) == slowBefore; round++) {
                List<String> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(Events.updated(p).replace("\"warnings\":[]", "\"warnings\":[\"" + padding + "\"]"));
                }
                hub.publish(Events.batch(batch));
                total += 20;
            }
            assertThat(slowConsumers(hub)).isGreaterThan(slowBefore);
            ws.request(Long.MAX_VALUE); // read what was written before the close
            assertThat(reader.closed.get(30, TimeUnit.SECONDS)).isEqualTo(4008);
            List<JsonNode> got = new ArrayList<>(reader.events);
            assertThat(got).isNotEmpty();
            long last = got.get(got.size() - 1).path("offset").asLong();

            WsRecorder resumed = hub.connectWelcomed("");
            JsonNode ack = resumed.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\",\"since_offset\":" + last
                    + ",\"epoch\":\"" + epoch + "\"}");
            assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
            got.addAll(resumed.awaitEvents((int) (total - last)));
            Set<Long> offsets = new HashSet<>();
            long expected = 1;
            for (JsonNode e : got) {
                assertThat(e.path("offset").asLong()).isEqualTo(expected++);
                assertThat(offsets.add(e.path("offset").asLong())).isTrue();
            }
            assertThat(offsets).hasSize(total);
            resumed.assertNoMoreFrames(Duration.ofMillis(200));
            resumed.close();
        }
    }

    private static double slowConsumers(TestHub hub) {
        JsonNode errors = hub.get("/api/v1/project-index/websocket/metrics").json().path("metrics").path("errors");
        return errors.path("slow_consumer").path("delivery").asDouble(0);
    }

    @Test
    void aClientOverItsRateLimitGetsConflatedProgressButEveryMilestoneAndEveryOtherEvent() {
        try (TestHub hub = TestHub.start(Map.of("WEBSOCKET_RATE_LIMIT_TOKENS", "5", "WEBSOCKET_RATE_LIMIT_REFILL", "20"))) {
            UUID p = UUID.randomUUID();
            UUID session = UUID.randomUUID();
            WsRecorder ws = hub.connectWelcomed("");
            ws.request(subscribe(p));
            List<String> events = new ArrayList<>();
            for (int pct = 1; pct <= 100; pct++) {
                events.add(Events.progress(p, session, pct));
                if (pct % 20 == 0) {
                    events.add(Events.dependency(p, "src/f" + pct + ".py"));
                }
            }
            hub.publish(Events.batch(events));
            List<Integer> progress = new ArrayList<>();
            List<String> dependencies = new ArrayList<>();
            long lastOffset = 0;
            while (progress.isEmpty() || progress.get(progress.size() - 1) != 100 || dependencies.size() < 5) {
                JsonNode e = ws.awaitEvents(1).get(0);
                assertThat(e.path("offset").asLong()).isGreaterThan(lastOffset);
                lastOffset = e.path("offset").asLong();
                if (e.path("type").asText().equals("analysis_progress")) {
                    progress.add(e.path("data").path("progress_percentage").asInt());
                } else {
                    dependencies.add(e.path("data").path("file_path").asText());
                }
            }
            assertThat(progress).contains(25, 50, 75, 100).isSorted();
            assertThat(progress.size()).isLessThan(100);
            assertThat(dependencies).containsExactly("src/f20.py", "src/f40.py", "src/f60.py", "src/f80.py", "src/f100.py");
            JsonNode stats = ws.request("{\"action\":\"get_stats\"}").path("data");
            assertThat(stats.path("events_conflated").asLong()).isEqualTo(100 - progress.size());
            assertThat(stats.path("rate_limit_violations").asLong()).isGreaterThanOrEqualTo(1);
            ws.close();
        }
    }

    @Test
    void anInboundFloodIsRateLimitedAndThenClosedWith4029() {
        try (TestHub hub = TestHub.start(Map.of("WEBSOCKET_INBOUND_RATE", "2", "WEBSOCKET_INBOUND_BURST", "5",
                "WEBSOCKET_INBOUND_ABUSE_REJECTIONS", "5"))) {
            WsRecorder ws = hub.connectWelcomed("");
            for (int i = 0; i < 30; i++) {
                ws.send("{\"action\":\"ping\",\"correlation_id\":\"p" + i + "\"}");
            }
            int pongs = 0;
            int limited = 0;
            int close;
            while (true) {
                WsRecorder.Frame f = ws.awaitFrame();
                if (f.isClose()) {
                    close = f.closeCode();
                    break;
                }
                JsonNode n = f.json();
                if (n.path("type").asText().equals("pong")) {
                    pongs++;
                } else {
                    assertThat(n.path("data").path("error").asText()).isEqualTo("RATE_LIMITED");
                    assertThat(n.path("data").path("details").path("retry_after_ms").asLong()).isPositive();
                    limited++;
                }
            }
            assertThat(pongs).isBetween(5, 7);
            assertThat(limited).isEqualTo(5);
            assertThat(close).isEqualTo(4029);
        }
    }

    @Test
    void repliesKeepRequestOrderEvenWhenSomeAreRateLimitedBehindARequestReadingHistory(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dataDir) {
        try (TestHub hub = TestHub.start(Map.of("HUB_HISTORY_BACKEND", "sqlite", "HUB_DATA_DIR", dataDir.toString(),
                "EVENT_HISTORY_MAX_EVENTS", "1", "WEBSOCKET_INBOUND_RATE", "0.01", "WEBSOCKET_INBOUND_BURST", "4",
                "WEBSOCKET_INBOUND_ABUSE_REJECTIONS", "100"))) {
            UUID p = UUID.randomUUID();
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.add(Events.updated(p));
            }
            hub.publish(Events.batch(events));
            WsRecorder ws = hub.connectWelcomed("");
            // the replay reads the database (the memory tier keeps one event); the pings wait behind it
            ws.send("{\"action\":\"replay\",\"project_id\":\"" + p + "\",\"correlation_id\":\"r0\"}");
            for (int i = 1; i <= 8; i++) {
                ws.send("{\"action\":\"ping\",\"correlation_id\":\"r" + i + "\"}");
            }
            List<String> order = new ArrayList<>();
            int replayed = 0;
            while (order.size() < 9) {
                JsonNode f = ws.awaitJson();
                if (f.has("offset")) {
                    assertThat(order).as("replayed events come before their replay_complete").isEmpty();
                    replayed++;
                } else {
                    order.add(f.path("correlation_id").asText() + ":" + f.path("type").asText()
                            + (f.path("type").asText().equals("error") ? ":" + f.path("data").path("error").asText() : ""));
                }
            }
            assertThat(replayed).isEqualTo(50);
            assertThat(order).containsExactly("r0:replay_complete", "r1:pong", "r2:pong", "r3:pong",
                    "r4:error:RATE_LIMITED", "r5:error:RATE_LIMITED", "r6:error:RATE_LIMITED", "r7:error:RATE_LIMITED",
                    "r8:error:RATE_LIMITED");
            ws.close();
        }
    }

    @Test
    void theConnectionOverTheLimitIsRefusedWith4029() throws Exception {
        try (TestHub hub = TestHub.start(Map.of("WEBSOCKET_MAX_CONNECTIONS", "1000"))) {
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<WebSocket>> open = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                open.add(http.newWebSocketBuilder().buildAsync(hub.wsUri(""), new WebSocket.Listener() { }));
            }
            for (CompletableFuture<WebSocket> f : open) {
                f.get(60, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    hub.get("/api/v1/project-index/websocket/metrics").json().path("metrics").path("connections")
                            .path("active").asInt() == 1000);
            WsRecorder over = hub.connect("");
            assertThat(over.awaitClose()).isEqualTo(4029);
            for (CompletableFuture<WebSocket> f : open) {
                f.get().abort();
            }
        }
    }
}
