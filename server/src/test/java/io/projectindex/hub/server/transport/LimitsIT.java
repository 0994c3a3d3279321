package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.RawWebSocket;
import io.projectindex.hub.server.testing.SseRecorder;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.auditLines;
import static io.projectindex.hub.server.transport.AuthFixtures.handshake;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every limit of docs/security.md ("Limits") triggers its own error or close code and counts in
 * its metric (and the connection limits in the audit log): connections per node and per user (WebSocket 4029, SSE 503/429), the handshake rate
 * (429), subscriptions (LIMIT_EXCEEDED), message size (MESSAGE_TOO_LARGE + 1009), frames over the
 * read limit (1009) and broken framing (1002), invalid UTF-8 (1007), JSON depth and number size
 * (INVALID_MESSAGE), publish body size and events per publish (413). The inbound rate limit
 * (RATE_LIMITED, 4029) is checked with its metric in {@link HostileInputIT}.
 */
class LimitsIT {
    private static final String PREFIX = "project_index_websocket_";
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("WEBSOCKET_MAX_SUBSCRIPTIONS", "1", "WEBSOCKET_MAX_MESSAGE_BYTES", "4096",
                "PUBLISH_MAX_EVENTS", "2", "PUBLISH_MAX_BODY_BYTES", "8192"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** The sum of a counter over the series with these tags. */
    static double count(TestHub h, String name, String... tags) {
        return h.server().services().metrics().registry().find(PREFIX + name).tags(tags).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    static void awaitCount(TestHub h, double expected, String name, String... tags) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(count(h, name, tags))
                .as("%s %s", name, List.of(tags)).isEqualTo(expected));
    }

    /** Waits until the audit file has exactly {@code expected} {@code connection_limit} lines for {@code limit}. */
    static List<JsonNode> awaitLimitAudits(Path auditFile, String limit, int expected) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(auditLines(auditFile,
                n -> n.path("event").asText().equals("connection_limit") && n.path("limit").asText().equals(limit)))
                .as("connection_limit %s audit lines", limit).hasSize(expected));
        return auditLines(auditFile, n -> n.path("event").asText().equals("connection_limit"));
    }

    static URI stream(TestHub h, String query) {
        return URI.create(h.baseUrl() + "/api/v1/project-index/events/stream?project_id=" + UUID.randomUUID() + query);
    }

    @Test
    void theNodeConnectionLimitClosesWebSocketsWith4029AndRefusesStreamsWith503(@TempDir Path dir) {
        Path audit = dir.resolve("audit.log");
        try (TestHub small = TestHub.start(Map.of("WEBSOCKET_MAX_CONNECTIONS", "2", "HUB_AUDIT_LOG", audit.toString()))) {
            WsRecorder a = small.connectWelcomed("");
            SseRecorder s = SseRecorder.open(stream(small, ""), Map.of());
            assertThat(s.status()).isEqualTo(200);
            assertThat(small.connect("").awaitClose()).isEqualTo(4029);
            SseRecorder refused = SseRecorder.open(stream(small, ""), Map.of());
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.error().path("error").asText()).isEqualTo("LIMIT_EXCEEDED");
            assertThat(refused.error().path("details").path("limit").asText()).isEqualTo("max_connections");
            assertThat(count(small, "connections_rejected", "reason", "connection_limit")).isEqualTo(2);
            List<JsonNode> lines = awaitLimitAudits(audit, "max_connections", 2);
            assertThat(lines).hasSize(2).allSatisfy(line -> {
                assertThat(line.path("max").asLong()).isEqualTo(2);
                assertThat(line.path("user").asText()).isEqualTo("anonymous");
                assertThat(line.path("remote_ip").asText()).isEqualTo("127.0.0.1");
                assertThat(line.path("node").asText()).isNotEmpty();
            });
            a.close();
            s.close();
        }
    }

    @Test
    void thePerUserLimitClosesWebSocketsWith4029AndRefusesStreamsWith429(@TempDir Path dir) {
        Path audit = dir.resolve("audit.log");
        try (TestHub limited = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", audit.toString(),
                "WEBSOCKET_MAX_CONNECTIONS_PER_USER", "1"))) {
            String t = token("alice", List.of("*"), "events:read", Duration.ofHours(1));
            WsRecorder first = limited.connectWelcomed("token=" + t);
            assertThat(limited.connect("token=" + t).awaitClose()).isEqualTo(4029);
            SseRecorder refused = SseRecorder.open(stream(limited, "&token=" + t), Map.of());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.error().path("details").path("limit").asText()).isEqualTo("max_connections_per_user");
            assertThat(count(limited, "connections_rejected", "reason", "user_connection_limit")).isEqualTo(2);
            List<JsonNode> lines = awaitLimitAudits(audit, "max_connections_per_user", 2);
            assertThat(lines).hasSize(2).allSatisfy(line -> {
                assertThat(line.path("max").asLong()).isEqualTo(1);
                assertThat(line.path("user").asText()).isEqualTo("alice");
                assertThat(line.path("remote_ip").asText()).isEqualTo("127.0.0.1");
            });
            first.close();
        }
    }

    @Test
    void theHandshakeRatePerAddressIs429ForWebSocketsAndStreams(@TempDir Path dir) {
        Path audit = dir.resolve("audit.log");
        try (TestHub limited = TestHub.start(Map.of("WEBSOCKET_HANDSHAKE_RATE", "0.01", "WEBSOCKET_HANDSHAKE_BURST", "1",
                "WEBSOCKET_HANDSHAKE_LIMIT_LOOPBACK", "true", "HUB_AUDIT_LOG", audit.toString()))) {
            assertThat(handshake(limited.port(), "").status()).isEqualTo(101);
            AuthFixtures.Handshake refused = handshake(limited.port(), "");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().toLowerCase()).contains("retry-after:");
            SseRecorder stream = SseRecorder.open(stream(limited, ""), Map.of());
            assertThat(stream.status()).isEqualTo(429);
            assertThat(stream.error().path("error").asText()).isEqualTo("RATE_LIMITED");
            assertThat(stream.header("Retry-After")).isNotNull();
            assertThat(count(limited, "connections_rejected", "reason", "handshake_rate_limited")).isEqualTo(2);
            List<JsonNode> lines = awaitLimitAudits(audit, "handshake_rate", 2);
            assertThat(lines).hasSize(2).allSatisfy(line -> {
                assertThat(line.path("max").asDouble()).isEqualTo(0.01);
                assertThat(line.has("user")).isTrue();
                assertThat(line.path("user").isNull()).as("no user before authentication").isTrue();
                assertThat(line.path("remote_ip").asText()).isEqualTo("127.0.0.1");
            });
        }
    }

    @Test
    void tooManySubscriptionsIsLimitExceeded() {
        double before = count(hub, "errors", "error_type", "LIMIT_EXCEEDED", "component", "websocket");
        WsRecorder ws = hub.connectWelcomed("");
        assertThat(ws.request("{\"action\":\"subscribe\"}").path("type").asText()).isEqualTo("subscription_ack");
        JsonNode refused = ws.request("{\"action\":\"subscribe\"}");
        assertThat(refused.path("data").path("error").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(refused.path("data").path("details").path("max_subscriptions").asInt()).isEqualTo(1);
        assertThat(count(hub, "errors", "error_type", "LIMIT_EXCEEDED", "component", "websocket")).isEqualTo(before + 1);
        ws.close();
    }

    @Test
    void aMessageOverTheLimitIsMessageTooLargeThenClose1009() {
        double errors = count(hub, "errors", "error_type", "MESSAGE_TOO_LARGE", "component", "websocket");
        double closes = count(hub, "connections_closed", "code", "1009");
        WsRecorder ws = hub.connectWelcomed("");
        ws.send("{\"action\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}");
        JsonNode error = ws.awaitJson();
        assertThat(error.path("data").path("error").asText()).isEqualTo("MESSAGE_TOO_LARGE");
        assertThat(error.path("data").path("details").path("max_message_bytes").asInt()).isEqualTo(4096);
        assertThat(ws.awaitClose()).isEqualTo(1009);
        assertThat(count(hub, "errors", "error_type", "MESSAGE_TOO_LARGE", "component", "websocket")).isEqualTo(errors + 1);
        awaitCount(hub, closes + 1, "connections_closed", "code", "1009");
    }

    @Test
    void aFrameOverTheReadLimitIsClosedWith1009AndBrokenFramingWith1002() {
        double framing = count(hub, "errors", "error_type", "framing", "component", "websocket");
        double closes1009 = count(hub, "connections_closed", "code", "1009");
        double closes1002 = count(hub, "connections_closed", "code", "1002");
        try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "")) {
            ws.read(WsRecorder.TIMEOUT);
            ws.sendOversizedFrameStart(RawWebSocket.TEXT, 1L << 30, new byte[16]);
            assertThat(ws.read(WsRecorder.TIMEOUT).closeCode()).isEqualTo(1009);
        }
        try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "")) {
            ws.read(WsRecorder.TIMEOUT);
            ws.sendFrameBits(0x80 | RawWebSocket.TEXT, false, "{\"action\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.read(WsRecorder.TIMEOUT).closeCode()).as("an unmasked client frame").isEqualTo(1002);
        }
        awaitCount(hub, framing + 2, "errors", "error_type", "framing", "component", "websocket");
        awaitCount(hub, closes1009 + 1, "connections_closed", "code", "1009");
        awaitCount(hub, closes1002 + 1, "connections_closed", "code", "1002");
    }

    @Test
    void textThatIsNotUtf8IsClosedWith1007() {
        double errors = count(hub, "errors", "error_type", "invalid_utf8", "component", "websocket");
        double closes = count(hub, "connections_closed", "code", "1007");
        try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "")) {
            ws.read(WsRecorder.TIMEOUT);
            ws.sendFrame(RawWebSocket.TEXT, true, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertThat(ws.read(WsRecorder.TIMEOUT).closeCode()).isEqualTo(1007);
        }
        assertThat(count(hub, "errors", "error_type", "invalid_utf8", "component", "websocket")).isEqualTo(errors + 1);
        awaitCount(hub, closes + 1, "connections_closed", "code", "1007");
    }

    @Test
    void jsonTooDeepOrWithNumbersTooLongIsInvalidMessageOnBothTransports() {
        double ws0 = count(hub, "errors", "error_type", "INVALID_MESSAGE", "component", "websocket");
        double http0 = count(hub, "errors", "error_type", "INVALID_MESSAGE", "component", "publish");
        WsRecorder ws = hub.connectWelcomed("");
        String deep = "{\"action\":\"ping\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        String longNumber = "{\"action\":\"replay\",\"max_events\":" + "9".repeat(200) + "}";
        String hugeExponent = "{\"action\":\"replay\",\"max_events\":1e" + "9".repeat(60) + "}";
        for (String bad : List.of(deep, longNumber, hugeExponent)) {
            JsonNode error = ws.request(bad);
            assertThat(error.path("data").path("error").asText()).as(bad).isEqualTo("INVALID_MESSAGE");
        }
        assertThat(count(hub, "errors", "error_type", "INVALID_MESSAGE", "component", "websocket")).isEqualTo(ws0 + 3);
        ws.close();

        TestHub.Response r = hub.post("/api/v1/project-index/events",
                Events.updated(UUID.randomUUID()).replace("\"warnings\":[]", "\"warnings\":" + "[".repeat(100) + "]".repeat(100)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("INVALID_MESSAGE");
        assertThat(count(hub, "errors", "error_type", "INVALID_MESSAGE", "component", "publish")).isEqualTo(http0 + 1);
    }

    @Test
    void aPublishBodyOverTheLimitAndTooManyEventsInOnePublishAre413() {
        double body0 = count(hub, "errors", "error_type", "MESSAGE_TOO_LARGE", "component", "publish");
        double events0 = count(hub, "errors", "error_type", "LIMIT_EXCEEDED", "component", "publish");
        TestHub.Response tooBig = hub.post("/api/v1/project-index/events", "{\"pad\":\"" + "z".repeat(10_000) + "\"}");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.json().path("error").asText()).isEqualTo("MESSAGE_TOO_LARGE");
        assertThat(tooBig.json().path("details").path("max_body_bytes").asInt()).isEqualTo(8192);
        UUID p = UUID.randomUUID();
        TestHub.Response tooMany = hub.post("/api/v1/project-index/events",
                "[" + Events.updated(p) + "," + Events.updated(p) + "," + Events.updated(p) + "]");
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.json().path("error").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(count(hub, "errors", "error_type", "MESSAGE_TOO_LARGE", "component", "publish")).isEqualTo(body0 + 1);
        assertThat(count(hub, "errors", "error_type", "LIMIT_EXCEEDED", "component", "publish")).isEqualTo(events0 + 1);
    }
}
