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
