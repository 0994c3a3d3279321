package io.projectindex.hub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.HubServer;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.time.HubClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real hub in the test JVM on a free port, with HTTP and WebSocket helpers. Close it to stop
 * the hub gracefully.
 */
public final class TestHub implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HubServer server;
    private boolean stopped;

    private TestHub(HubServer server) {
        this.server = server;
    }

    public static TestHub start() {
        return start(Map.of());
    }

    public static TestHub start(Map<String, String> settings) {
        return start(settings, HubClock.SYSTEM);
    }

    /**
     * Starts a hub with defaults for tests (port 0, memory history) plus {@code settings} (env names).
     * A setting mapped to {@code null} removes the test default, so the hub's own default applies
     * (e.g. {@code HUB_HISTORY_BACKEND -> null} starts the hub as {@code serve} would, unconfigured).
     */
    public static TestHub start(Map<String, String> settings, HubClock clock) {
        Map<String, String> all = new HashMap<>();
        all.put("HUB_PORT", "0");
        all.put("HUB_HISTORY_BACKEND", "memory");
        all.put("EVENT_HISTORY_MAX_EVENTS", "100000");
        all.put("HUB_SHUTDOWN_GRACE_MS", "5000");
        all.put("WEBSOCKET_RATE_LIMIT_TOKENS", "0");
        all.put("WEBSOCKET_LOG_LEVEL", "warn");
        all.putAll(settings);
        all.values().removeIf(Objects::isNull);
        try {
            HubServer s = HubServer.start(HubConfig.of(all), clock).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return new TestHub(s);
        } catch (Exception e) {
            throw new IllegalStateException("hub did not start", e);
        }
    }

    public HubServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public URI wsUri(String query) {
        return URI.create("ws://127.0.0.1:" + port() + "/api/v1/project-index/websocket"
                + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /**
     * A welcomed connection subscribed to {@code project} before anything was published to it:
     * the ack is checked to be a {@code subscription_ack} at offset 0.
     */
    public WsRecorder subscribedToNewProject(java.util.UUID project) {
        WsRecorder ws = connectWelcomed("");
        JsonNode ack = ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + project + "\"}");
        if (!ack.path("type").asText().equals("subscription_ack") || ack.path("data").path("offset").asLong() != 0) {
            throw new AssertionError("expected a subscription_ack at offset 0, got " + ack);
        }
        return ws;
    }

    /** Connects a recording client; the welcome frame is left in its queue. */
    public WsRecorder connect(String query) {
        WsRecorder r = new WsRecorder();
        WebSocket ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(wsUri(query), r).join();
        r.attach(ws);
        return r;
    }

    /** Connects and consumes the welcome frame. */
    public WsRecorder connectWelcomed(String query) {
        WsRecorder r = connect(query);
        r.awaitType("welcome");
        return r;
    }

    public Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build());
    }

    /** Publishes and checks the 202; returns the response JSON. */
    public JsonNode publish(String body) {
        Response r = post("/api/v1/project-index/events", body);
        if (r.status() != 202) {
            throw new AssertionError("publish answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    public static Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (Exception e) {
            throw new IllegalStateException("HTTP request failed: " + request, e);
        }
    }

    /** An HTTP answer. */
    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return Json.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    public void stop() {
        if (!stopped) {
            stopped = true;
            try {
                server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("hub did not stop", e);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
