package io.projectindex.hub.server.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.TestHub.Response;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The monitoring API end to end: a fresh hub is healthy, and metrics move with a scripted workload. */
class MonitoringApiIT {
    private static final String WS = "/api/v1/project-index/websocket";
    private static final String P = HubMetrics.PREFIX;

    @Test
    void aFreshHubIsHealthyAndReady() {
        try (TestHub hub = TestHub.start()) {
            Response health = hub.get(WS + "/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("healthy");
            assertThat(health.json().path("checks").path("history_store").path("healthy").asBoolean()).isTrue();
            Response ready = hub.get("/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        }
    }

    /** The same on the real default history: HUB_HISTORY_BACKEND=auto is SQLite in HUB_DATA_DIR. */
    @Test
    void aFreshHubOnTheDefaultSqliteHistoryIsHealthyAndReady(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dataDir) {
        try (TestHub hub = TestHub.start(java.util.Map.of("HUB_HISTORY_BACKEND", "auto",
                "HUB_DATA_DIR", dataDir.toString()))) {
            Response health = hub.get(WS + "/health");
            assertThat(health.status()).as(health.body()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).as(health.body()).isEqualTo("healthy");
            JsonNode checks = health.json().path("checks");
            assertThat(checks.size()).isGreaterThanOrEqualTo(5);
            checks.fields().forEachRemaining(c -> assertThat(c.getValue().path("healthy").asBoolean())
                    .as("check %s: %s", c.getKey(), c.getValue()).isTrue());
            assertThat(checks.path("history_store").path("backend").asText()).isEqualTo("sqlite");
            assertThat(checks.path("history_store").path("required").asBoolean()).isTrue();
            assertThat(dataDir.resolve("history.db")).exists();
            Response ready = hub.get("/readyz");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        }
    }

    @Test
    void aScriptedWorkloadMovesEachMetricByExactlyWhatHappened() throws Exception {
        try (TestHub hub = TestHub.start()) {
            UUID p = UUID.randomUUID();
            // connect: two accepted, one refused for a bad option
            assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(hub.wsUri("batch=maybe"), new WebSocket.Listener() { }).join())
                    .hasCauseInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                            .isEqualTo(400));
            WsRecorder a = hub.connectWelcomed("");
            WsRecorder b = hub.connectWelcomed("");
            a.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
            b.request("{\"action\":\"subscribe\",\"event_types\":[\"analysis_progress\"]}");
            a.request("not json");
            // publish: two updates and one progress; a receives 3, b receives 1
            hub.publish(Events.updated(p));
            hub.publish(Events.batch(List.of(Events.updated(p), Events.progress(p, UUID.randomUUID(), 10))));
            a.awaitEvents(3);
            b.awaitEvents(1);
            a.request("{\"action\":\"replay\",\"project_id\":\"" + p + "\",\"max_events\":2}");
            a.awaitJson();
            a.awaitType("replay_complete");
            // disconnect one
            b.close();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PrometheusText t = PrometheusText.parse(hub.get(WS + "/metrics/prometheus").body());
                assertThat(t.value(P + "connections_closed_total", "code", "1000")).isEqualTo(1.0);
                assertThat(t.value(P + "active_connections")).isEqualTo(1.0);
            });
            Response prom = hub.get(WS + "/metrics/prometheus");
            assertThat(prom.header("Content-Type")).startsWith("text/plain; version=0.0.4");
            PrometheusText t = PrometheusText.parse(prom.body());
            assertThat(t.value(P + "events_published_total", "event_type", "project_index_updated")).isEqualTo(2.0);
            assertThat(t.value(P + "events_published_total", "event_type", "analysis_progress")).isEqualTo(1.0);
            assertThat(t.value(P + "events_published_total", "event_type", "dependency_changed")).isEqualTo(0.0);
            // two accepted publish requests (one of them a batch of two)
            assertThat(t.value(P + "publish_request_duration_seconds_count")).isEqualTo(2.0);
            assertThat(t.value(P + "publish_request_duration_seconds_sum")).isPositive();
            assertThat(t.value(P + "events_delivered_total", "event_type", "project_index_updated")).isEqualTo(2.0);
            assertThat(t.value(P + "events_delivered_total", "event_type", "analysis_progress")).isEqualTo(2.0);
            assertThat(t.value(P + "events_replayed_total", "event_type", "project_index_updated")).isEqualTo(2.0);
            assertThat(t.value(P + "replays_total", "outcome", "complete")).isEqualTo(1.0);
            assertThat(t.value(P + "connections_opened_total")).isEqualTo(2.0);
            assertThat(t.value(P + "connections_rejected_total", "reason", "invalid_option")).isEqualTo(1.0);
            assertThat(t.value(P + "messages_received_total", "action", "subscribe")).isEqualTo(2.0);
            assertThat(t.value(P + "messages_received_total", "action", "replay")).isEqualTo(1.0);
            assertThat(t.value(P + "messages_received_total", "action", "invalid")).isEqualTo(1.0);
            assertThat(t.value(P + "errors_total", "error_type", "INVALID_MESSAGE", "component", "websocket")).isEqualTo(1.0);
            assertThat(t.value(P + "event_processing_duration_seconds_count", "event_type", "analysis_progress")).isEqualTo(1.0);
            assertThat(t.value(P + "history_append_duration_seconds_count", "backend", "memory")).isEqualTo(2.0);
            // frames written: 2 welcomes, 2 acks, 1 error, 3 + 1 live events, 2 replayed, 1 replay_complete
            assertThat(t.value(P + "messages_sent_total", "status", "sent")).isEqualTo(12.0);
            assertThat(t.labelNames(P)).doesNotContain("connection_id", "project_id");

            JsonNode json = hub.get(WS + "/metrics").json();
            assertThat(json.path("metrics").path("events").path("published").path("project_index_updated").asLong()).isEqualTo(2);
            assertThat(json.path("node_id").asText()).isNotEmpty();

            JsonNode connections = hub.get(WS + "/connections").json();
            assertThat(connections.path("summary").path("active_connections").asInt()).isEqualTo(1);
            assertThat(connections.path("connections").get(0).path("subscriptions").get(0).path("project_id").asText())
                    .isEqualTo(p.toString());
            assertThat(connections.path("connections").get(0).path("events_delivered").asLong()).isEqualTo(3);

            JsonNode stats = hub.get(WS + "/events/statistics").json();
            assertThat(stats.path("event_publishing").path("total_published").asLong()).isEqualTo(3);
            assertThat(hub.get(WS + "/queue/status").json().path("queue_status").has("total_queued_events")).isTrue();
            assertThat(hub.get(WS + "/alerts").json().path("rules").size()).isEqualTo(9);
            assertThat(hub.get(WS + "/performance?window_minutes=5").json().path("window_minutes").asInt()).isEqualTo(5);
            JsonNode debug = hub.get(WS + "/debug/internal-state").json();
            assertThat(debug.path("shards").size()).isGreaterThanOrEqualTo(1);
            assertThat(debug.path("history").path("backend").asText()).isEqualTo("memory");
            a.close();
        }
    }

    /**
     * Resume, batching, gzip, a closed connection and the periodic health check, through the real
     * server: each of their meters in the live scrape equals what the clients actually saw.
     */
    @Test
    void resumeBatchingCompressionCloseAndHealthCheckMoveTheirMetersByExactlyWhatHappened() throws Exception {
        // A long batch window and a batch of 3: after the first (idle) event goes alone, the next three
        // pending events fill one batch, which is written at once. Health is checked every second.
        try (TestHub hub = TestHub.start(java.util.Map.of("WEBSOCKET_BATCH_SIZE", "3",
                "WEBSOCKET_BATCH_TIME_MS", "60000", "HEALTH_CHECK_INTERVAL_SECONDS", "1"))) {
            UUID r = UUID.randomUUID();
            UUID b = UUID.randomUUID();
            UUID g = UUID.randomUUID();

            // resume: three events stored before the client subscribes; it resumes after the first
            JsonNode first = hub.publish(Events.updated(r)).path("accepted").get(0);
            hub.publish(Events.batch(List.of(Events.progress(r, UUID.randomUUID(), 10), Events.context(r))));
            WsRecorder resumer = hub.connectWelcomed("");
            JsonNode ack = resumer.request("{\"action\":\"subscribe\",\"project_id\":\"" + r + "\",\"since_offset\":"
                    + first.path("offset").asLong() + ",\"epoch\":\"" + first.path("epoch").asText() + "\"}");
            assertThat(ack.path("type").asText()).isEqualTo("subscription_ack");
            assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
            assertThat(resumer.awaitEvents(2)).allSatisfy(e -> assertThat(e.path("replay").asBoolean()).isTrue())
                    .extracting(e -> e.path("type").asText()).containsExactly("analysis_progress", "context_optimized");
            JsonNode stale = resumer.request("{\"action\":\"subscribe\",\"project_id\":\"" + UUID.randomUUID()
                    + "\",\"since_offset\":1,\"epoch\":\"not-this-epoch\"}");
            assertThat(stale.path("data").path("recovered").asBoolean()).isFalse();
            assertThat(stale.path("data").path("reason").asText()).isEqualTo("epoch_changed");

            // batch=true: one lone event, then three pending events
            long batcherOpened = System.nanoTime();
            WsRecorder batcher = hub.connectWelcomed("batch=true");
            batcher.request("{\"action\":\"subscribe\",\"project_id\":\"" + b + "\"}");
            hub.publish(Events.updated(b));
            assertThat(batcher.awaitEvents(1)).hasSize(1);
            hub.publish(Events.batch(List.of(Events.progress(b, UUID.randomUUID(), 20), Events.updated(b),
                    Events.dependency(b, "src/a.py"))));
            int batchFrames = 0;
            int batchedEvents = 0;
            int received = 0;
            while (received < 3) {
                JsonNode f = batcher.awaitJson();
                if (f.path("type").asText().equals("batch")) {
                    batchFrames++;
                    batchedEvents += f.path("events").size();
                    received += f.path("events").size();
                } else {
                    assertThat(f.has("offset")).as("expected an event, got %s", f).isTrue();
                    received++;
                }
            }
            assertThat(received).isEqualTo(3);
            assertThat(batchFrames).as("the three pending events were batched").isGreaterThanOrEqualTo(1);

            // compression=gzip: one event whose frame is over 1 KB and compresses well goes as gzip binary
            WsRecorder gzip = hub.connectWelcomed("compression=gzip");
            gzip.request("{\"action\":\"subscribe\",\"project_id\":\"" + g + "\"}");
            hub.publish(bigUpdate(g));
            WsRecorder.Frame compressed = gzip.awaitFrame();
            assertThat(compressed.kind()).isEqualTo("binary");
            assertThat(compressed.json().path("type").asText()).isEqualTo("project_index_updated");
            int plainBytes = compressed.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertThat(plainBytes).isGreaterThanOrEqualTo(1024);
            double ratio = (double) compressed.bytes().length / plainBytes;
            assertThat(ratio).isLessThan(0.8);

            // a client closes
            batcher.close();

            // Delivery latency is recorded when the write completes, the close when the server sees it,
            // the health score by the periodic check (this test never asks for /health or /readyz).
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                PrometheusText t = PrometheusText.parse(hub.get(WS + "/metrics/prometheus").body());
                assertThat(t.value(P + "connection_duration_seconds_count")).isEqualTo(1.0);
                assertThat(t.value(P + "event_delivery_duration_seconds_count", "event_type", "project_index_updated"))
                        .isEqualTo(3.0);
                assertThat(t.value(P + "health_score")).isEqualTo(1.0);
            });
            long batcherOpenAtMost = System.nanoTime() - batcherOpened; // the server has recorded the close by now
            PrometheusText t = PrometheusText.parse(hub.get(WS + "/metrics/prometheus").body());
            // live deliveries only: b's 2 updates + g's update, b's progress, b's dependency; replays do not count
            assertThat(t.value(P + "event_delivery_duration_seconds_count", "event_type", "project_index_updated")).isEqualTo(3.0);
            assertThat(t.value(P + "event_delivery_duration_seconds_count", "event_type", "analysis_progress")).isEqualTo(1.0);
            assertThat(t.value(P + "event_delivery_duration_seconds_count", "event_type", "dependency_changed")).isEqualTo(1.0);
            assertThat(t.value(P + "event_delivery_duration_seconds_count", "event_type", "context_optimized")).isEqualTo(0.0);
            assertThat(t.value(P + "events_replayed_total", "event_type", "analysis_progress")).isEqualTo(1.0);
            assertThat(t.value(P + "events_replayed_total", "event_type", "context_optimized")).isEqualTo(1.0);
            assertThat(t.value(P + "events_replayed_total", "event_type", "project_index_updated")).isEqualTo(0.0);

            assertThat(t.value(P + "resumes_total", "outcome", "recovered")).isEqualTo(1.0);
            assertThat(t.value(P + "resumes_total", "outcome", "epoch_changed")).isEqualTo(1.0);

            assertThat(t.value(P + "batch_size_count")).isEqualTo(batchFrames);
            assertThat(t.value(P + "batch_size_sum")).isEqualTo(batchedEvents);
            assertThat(t.value(P + "batch_size_bucket", "le", "+Inf")).isEqualTo(batchFrames);

            assertThat(t.value(P + "compression_ratio_count")).isEqualTo(1.0);
            assertThat(t.value(P + "compression_ratio_sum")).isCloseTo(ratio, org.assertj.core.api.Assertions.within(1e-9));

            assertThat(t.value(P + "connections_opened_total")).isEqualTo(3.0);
            assertThat(t.value(P + "connections_closed_total", "code", "1000")).isEqualTo(1.0);
            assertThat(t.value(P + "active_connections")).isEqualTo(2.0);
            assertThat(t.value(P + "connection_duration_seconds_sum"))
                    .isGreaterThan(0.0).isLessThanOrEqualTo(batcherOpenAtMost / 1e9);

            assertThat(t.value(P + "health_score")).isEqualTo(1.0);
            resumer.close();
            gzip.close();
        }
    }

    /** A project_index_updated whose envelope is well over 1 KB of repetitive (compressible) JSON. */
    private static String bigUpdate(UUID project) {
        String warning = "\"unused import os in src/project_index/analysis/module.py\"";
        String warnings = String.join(",", java.util.Collections.nCopies(40, warning));
        String body = Events.updated(project).replace("\"warnings\":[]", "\"warnings\":[" + warnings + "]");
        assertThat(body).contains("unused import os");
        return body;
    }

    @Test
    void filteringAndRateLimitingMoveTheirCountersByExactlyWhatHappened() {
        try (TestHub hub = TestHub.start(java.util.Map.of("WEBSOCKET_RATE_LIMIT_TOKENS", "2",
                "WEBSOCKET_RATE_LIMIT_REFILL", "0.01", "WEBSOCKET_INBOUND_RATE", "0.01", "WEBSOCKET_INBOUND_BURST", "3",
                "WEBSOCKET_INBOUND_ABUSE_REJECTIONS", "100"))) {
            UUID p = UUID.randomUUID();
            UUID q = UUID.randomUUID();
            UUID session = UUID.randomUUID();
            WsRecorder filtered = hub.connectWelcomed("");
            filtered.request("{\"action\":\"set_preferences\",\"preferences\":{\"min_progress_updates\":50}}");
            filtered.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
            hub.publish(Events.batch(List.of(Events.progress(p, session, 10), Events.progress(p, session, 20),
                    Events.progress(p, session, 60))));
            assertThat(filtered.awaitEvents(2)).extracting(e -> e.path("data").path("progress_percentage").asInt())
                    .containsExactly(10, 60);

            WsRecorder limited = hub.connectWelcomed("");
            limited.request("{\"action\":\"subscribe\",\"project_id\":\"" + q + "\"}");
            hub.publish(Events.batch(List.of(Events.updated(q), Events.updated(q), Events.updated(q), Events.updated(q))));
            limited.awaitEvents(2); // two tokens; the other two wait for the (very slow) refill

            WsRecorder flooding = hub.connectWelcomed("");
            for (int i = 0; i < 3; i++) {
                flooding.request("{\"action\":\"ping\"}");
            }
            for (int i = 0; i < 4; i++) {
                assertThat(flooding.request("{\"action\":\"ping\"}").path("data").path("error").asText()).isEqualTo("RATE_LIMITED");
            }

            PrometheusText t = PrometheusText.parse(hub.get(WS + "/metrics/prometheus").body());
            assertThat(t.value(P + "events_filtered_total", "reason", "progress_threshold")).isEqualTo(1.0);
            assertThat(t.value(P + "rate_limit_violations_total", "direction", "outbound")).isEqualTo(1.0);
            assertThat(t.value(P + "rate_limit_violations_total", "direction", "inbound")).isEqualTo(4.0);
            assertThat(t.value(P + "events_delivered_total", "event_type", "analysis_progress")).isEqualTo(2.0);
            assertThat(t.value(P + "queue_size")).isEqualTo(2.0);
            JsonNode stats = limited.request("{\"action\":\"get_stats\"}").path("data");
            assertThat(stats.path("queue").path("live_events").asInt()).isEqualTo(2);
            assertThat(stats.path("rate_limit_violations").asLong()).isEqualTo(1);
            filtered.close();
            limited.close();
            flooding.close();
        }
    }

    /** The live exposition passes promtool's linter (installed on first use if missing; {@code .ci/run} installs it too). */
    @Test
    void theLiveScrapePassesPromtool(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (TestHub hub = TestHub.start()) {
            WsRecorder ws = hub.connectWelcomed("");
            ws.request("{\"action\":\"subscribe\"}");
            hub.publish(Events.updated(UUID.randomUUID()));
            ws.awaitEvents(1);
            Promtool.assertCheckMetricsPasses(hub.get(WS + "/metrics/prometheus").body(), dir);
            ws.close();
        }
    }

    @Test
    void badMonitoringQueriesAre400NeverServerErrors() {
        try (TestHub hub = TestHub.start()) {
            Response unknown = hub.get(WS + "/anomalies?metric_name=latency");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().path("details").path("field").asText()).isEqualTo("metric_name");
            assertThat(unknown.json().path("details").path("allowed")).isNotEmpty();
            assertThat(hub.get(WS + "/performance?window_minutes=0").status()).isEqualTo(400);
            assertThat(hub.get(WS + "/anomalies?window_minutes=abc").status()).isEqualTo(400);
            Response ok = hub.get(WS + "/anomalies?metric_name=events_per_second");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.json().path("anomalies_detected").asBoolean()).isFalse();
        }
    }
}
