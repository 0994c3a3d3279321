package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.auth.TokenMinter;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Authentication and permissions end to end against a hub configured with an HS256 secret:
 * the handshake refuses missing and invalid tokens with 401 before any upgrade, a valid token's
 * {@code sub} is the connection's user, projects and scopes are enforced on subscribe, replay,
 * live delivery, publish and history, a refresh keeps a connection alive past its first token's
 * expiry, an unrefreshed token ends the connection with 4001, and each of these is audited.
 */
class AuthenticationIT {
    private static final String SECRET = "integration-test-secret-of-at-least-32-bytes";
    private static final UUID P1 = UUID.randomUUID();
    private static final UUID P2 = UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static Path auditFile;
    private static TestHub hub;

    @BeforeAll
    static void start() {
        auditFile = dir.resolve("audit.log");
        hub = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "AUTH_CLOCK_SKEW_SECONDS", "0",
                "HUB_AUDIT_LOG", auditFile.toString()));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String token(String sub, List<String> projects, String scope, Duration ttl) {
        Instant now = Instant.now();
        return TokenMinter.hs256(SECRET.getBytes(StandardCharsets.UTF_8),
                TokenMinter.Spec.of(sub, projects, scope, now, now.plus(ttl)));
    }

    static String alice() {
        return token("alice", List.of(P1.toString()), "events:read", Duration.ofHours(1));
    }

    static String publisher() {
        return token("indexer", List.of("*"), "events:publish", Duration.ofHours(1));
    }

    static TestHub.Response post(String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return TestHub.send(b.build());
    }

    static TestHub.Response get(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return TestHub.send(b.build());
    }

    /** A WebSocket handshake written by hand, so the test sees the exact status line and body. */
    record Handshake(String statusLine, String headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    static Handshake handshake(int port, String query) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            String request = "GET " + WebSocketEndpoint.PATH + (query.isEmpty() ? "" : "?" + query) + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHead(in);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            int eol = head.indexOf("\r\n");
            return new Handshake(head.substring(0, eol), head.substring(eol + 2), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Waits for an audit line that satisfies {@code match}. */
    static JsonNode awaitAudit(Predicate<JsonNode> match) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            if (!Files.exists(auditFile)) {
                return false;
            }
            for (String line : Files.readAllLines(auditFile)) {
                JsonNode n = Json.readTree(line);
                if (match.test(n)) {
                    found[0] = n;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Test
    void missingInvalidAndExpiredTokensAre401BeforeTheUpgradeWithoutTheReason() {
        String wrongSecret = TokenMinter.hs256("some-other-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8),
                TokenMinter.Spec.of("mallory", List.of("*"), "admin", Instant.now(), Instant.now().plusSeconds(600)));
        String expired = token("alice", List.of(P1.toString()), "events:read", Duration.ofSeconds(-60));
        Map<String, String> cases = Map.of("", "no token", "token=" + wrongSecret, "Invalid signature",
                "token=" + expired, "Expired JWT", "token=not.a.jwt", "malformed");
        cases.forEach((query, reason) -> {
            Handshake h = handshake(hub.port(), query);
            assertThat(h.status()).as("handshake with %s", reason).isEqualTo(401);
            assertThat(h.headers().toLowerCase()).doesNotContain("sec-websocket-accept");
            assertThat(Json.readTree(h.body()).path("error").asText()).isEqualTo("UNAUTHORIZED");
            assertThat(h.body()).doesNotContain(reason).doesNotContain("JWT").contains("authentication required");
        });
        JsonNode expiredLine = awaitAudit(n -> n.path("event").asText().equals("auth_failure")
                && n.path("reason").asText().contains("Expired JWT"));
        assertThat(expiredLine.path("transport").asText()).isEqualTo("websocket");
        assertThat(expiredLine.path("remote_ip").asText()).isEqualTo("127.0.0.1");
        awaitAudit(n -> n.path("event").asText().equals("auth_failure") && n.path("reason").asText().contains("no token"));
    }

    @Test
    void aValidTokenInTheQueryOrTheHeaderIsWelcomedAsItsSub() {
        WsRecorder ws = hub.connect("token=" + alice());
        JsonNode welcome = ws.awaitType("welcome");
        assertThat(welcome.path("data").path("user_id").asText()).isEqualTo("alice");
        ws.close();

        WsRecorder viaHeader = new WsRecorder();
        HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + publisher())
                .buildAsync(hub.wsUri(""), viaHeader).join();
        assertThat(viaHeader.awaitType("welcome").path("data").path("user_id").asText()).isEqualTo("indexer");
        viaHeader.close();
    }

    @Test
    void subscribingToOrReplayingAProjectOutsideTheTokenIsForbiddenAndAudited() {
        WsRecorder ws = hub.connectWelcomed("token=" + alice());
        JsonNode refused = ws.request("""
                {"action":"subscribe","project_id":"%s","correlation_id":"c1"}""".formatted(P2));
        assertThat(refused.path("type").asText()).isEqualTo("error");
        assertThat(refused.path("data").path("error").asText()).isEqualTo("FORBIDDEN");
        assertThat(refused.path("data").path("details").path("project_id").asText()).isEqualTo(P2.toString());
        assertThat(refused.path("correlation_id").asText()).isEqualTo("c1");

        JsonNode replay = ws.request("""
                {"action":"replay","project_id":"%s"}""".formatted(P2));
        assertThat(replay.path("data").path("error").asText()).isEqualTo("FORBIDDEN");

        JsonNode ok = ws.request("""
                {"action":"subscribe","project_id":"%s"}""".formatted(P1));
        assertThat(ok.path("type").asText()).isEqualTo("subscription_ack");
        ws.close();

        JsonNode line = awaitAudit(n -> n.path("event").asText().equals("forbidden")
                && n.path("action").asText().equals("replay") && n.path("project_id").asText().equals(P2.toString()));
        assertThat(line.path("user").asText()).isEqualTo("alice");
        awaitAudit(n -> n.path("event").asText().equals("forbidden") && n.path("action").asText().equals("subscribe")
                && n.path("project_id").asText().equals(P2.toString()));
    }

    @Test
    void aProjectlessSubscriptionSeesOnlyPermittedProjectsUnderAMixedPublish() {
        WsRecorder ws = hub.connectWelcomed("token=" + alice());
        assertThat(ws.request("{\"action\":\"subscribe\"}").path("type").asText()).isEqualTo("subscription_ack");
        String batch = "[" + Events.updated(P2) + "," + Events.updated(P1) + "," + Events.context(P2) + "]";
        assertThat(post("/api/v1/project-index/events", batch, publisher()).status()).isEqualTo(202);
        List<JsonNode> events = ws.awaitEvents(1);
        assertThat(events.get(0).path("data").path("project_id").asText()).isEqualTo(P1.toString());
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
    }

    @Test
    void publishNeedsTheEventsPublishScopeForThatProject() {
        String body = Events.updated(P1);
        assertThat(post("/api/v1/project-index/events", body, null).status()).isEqualTo(401);
        TestHub.Response readOnly = post("/api/v1/project-index/events", body, alice());
        assertThat(readOnly.status()).isEqualTo(403);
        assertThat(readOnly.json().path("error").asText()).isEqualTo("FORBIDDEN");
        String otherProject = token("indexer-2", List.of(P2.toString()), "events:publish", Duration.ofHours(1));
        assertThat(post("/api/v1/project-index/events", body, otherProject).status()).isEqualTo(403);

        TestHub.Response accepted = post("/api/v1/project-index/events", "[" + body + "," + Events.context(P1) + "]",
                publisher());
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode published = awaitAudit(n -> n.path("event").asText().equals("publish")
                && n.path("project_id").asText().equals(P1.toString()) && n.path("count").asInt() == 2);
        assertThat(published.path("user").asText()).isEqualTo("indexer");
        awaitAudit(n -> n.path("event").asText().equals("forbidden") && n.path("action").asText().equals("publish")
                && n.path("user").asText().equals("alice"));
        awaitAudit(n -> n.path("event").asText().equals("auth_failure") && n.path("transport").asText().equals("http"));
    }

    @Test
    void theHistoryQueryNeedsReadAccessToItsProject() {
        String path = "/api/v1/project-index/events?project_id=";
        assertThat(get(path + P1, null).status()).isEqualTo(401);
        assertThat(get(path + P2, alice()).status()).isEqualTo(403);
        assertThat(get(path + P1, alice()).status()).isEqualTo(200);
        String publishOnly = token("indexer", List.of("*"), "events:publish", Duration.ofHours(1));
        assertThat(get(path + P1, publishOnly).status()).as("events:publish alone does not read").isEqualTo(403);
    }

    @Test
    void aRefreshKeepsTheConnectionOpenPastTheFirstTokensExpiry() {
        Instant minted = Instant.now();
        String shortLived = token("alice", List.of(P1.toString()), "events:read", Duration.ofSeconds(3));
        WsRecorder ws = hub.connectWelcomed("token=" + shortLived);
        JsonNode notice = ws.awaitType("notice");
        assertThat(notice.path("data").path("kind").asText()).isEqualTo("token_expiring");
        Instant firstExpiry = Instant.parse(notice.path("data").path("expires_at").asText());
        assertThat(firstExpiry).isBetween(minted.plusSeconds(2), minted.plusSeconds(3));

        JsonNode ack = ws.request("""
                {"action":"refresh","token":"%s","correlation_id":"r1"}"""
                .formatted(token("alice", List.of(P1.toString()), "events:read", Duration.ofMinutes(10))));
        assertThat(ack.path("type").asText()).isEqualTo("refresh_ack");
        assertThat(ack.path("correlation_id").asText()).isEqualTo("r1");
        assertThat(ack.path("data").path("user_id").asText()).isEqualTo("alice");
        assertThat(Instant.parse(ack.path("data").path("expires_at").asText())).isAfter(firstExpiry.plusSeconds(500));

        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(1)));
        JsonNode pong = ws.request("{\"action\":\"ping\"}");
        assertThat(pong.path("type").asText()).isEqualTo("pong");
        ws.close();
        awaitAudit(n -> n.path("event").asText().equals("token_refreshed") && n.path("user").asText().equals("alice"));
    }

    @Test
    void anExpiredTokenEndsTheConnectionWith4001() {
        WsRecorder ws = hub.connectWelcomed("token=" + token("alice", List.of(P1.toString()), "events:read",
                Duration.ofSeconds(3)));
        assertThat(ws.awaitType("notice").path("data").path("kind").asText()).isEqualTo("token_expiring");
        assertThat(ws.awaitClose()).isEqualTo(4001);
        awaitAudit(n -> n.path("event").asText().equals("token_expired") && n.path("user").asText().equals("alice"));
    }

    @Test
    void aRefreshWithAnotherUsersOrAnInvalidTokenIsRefusedAndTheOldTokenStays() {
        WsRecorder ws = hub.connectWelcomed("token=" + alice());
        JsonNode otherUser = ws.request("""
                {"action":"refresh","token":"%s"}""".formatted(publisher()));
        assertThat(otherUser.path("type").asText()).isEqualTo("error");
        assertThat(otherUser.path("data").path("error").asText()).isEqualTo("FORBIDDEN");
        assertThat(otherUser.path("data").path("action").asText()).isEqualTo("refresh");

        JsonNode invalid = ws.request("{\"action\":\"refresh\",\"token\":\"not.a.jwt\"}");
        assertThat(invalid.path("data").path("error").asText()).isEqualTo("INVALID_FIELD");
        assertThat(invalid.path("data").path("details").path("field").asText()).isEqualTo("token");
        assertThat(invalid.toString()).doesNotContain("malformed");

        // Still alice with her projects: the publisher's "*" was not taken over.
        JsonNode stillForbidden = ws.request("""
                {"action":"subscribe","project_id":"%s"}""".formatted(P2));
        assertThat(stillForbidden.path("data").path("error").asText()).isEqualTo("FORBIDDEN");
        assertThat(ws.request("{\"action\":\"get_stats\"}").path("data").path("user_id").asText()).isEqualTo("alice");
        ws.close();
        awaitAudit(n -> n.path("event").asText().equals("auth_failure") && n.path("transport").asText().equals("refresh"));
    }

    @Test
    void aUserOverTheConnectionLimitIsClosedWith4029AndOthersAreNot() {
        try (TestHub limited = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "WEBSOCKET_MAX_CONNECTIONS_PER_USER", "2",
                "HUB_AUDIT_LOG", "off"))) {
            String t = alice();
            WsRecorder first = limited.connectWelcomed("token=" + t);
            WsRecorder second = limited.connectWelcomed("token=" + t);
            WsRecorder third = limited.connect("token=" + t);
            assertThat(third.awaitClose()).isEqualTo(4029);
            WsRecorder bob = limited.connectWelcomed("token=" + token("bob", List.of("*"), "events:read", Duration.ofHours(1)));

            first.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                WsRecorder again = limited.connect("token=" + t);
                boolean welcomed = !again.awaitFrame().isClose();
                again.close();
                return welcomed;
            });
            second.close();
            bob.close();
        }
    }

    @Test
    void tooManyHandshakesFromOneAddressAre429BeforeTheTokenIsLookedAt() {
        try (TestHub limited = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "WEBSOCKET_HANDSHAKE_RATE", "0.01",
                "WEBSOCKET_HANDSHAKE_BURST", "2", "WEBSOCKET_HANDSHAKE_LIMIT_LOOPBACK", "true", "HUB_AUDIT_LOG", "off"))) {
            assertThat(handshake(limited.port(), "").status()).isEqualTo(401);
            assertThat(handshake(limited.port(), "").status()).isEqualTo(401);
            Handshake refused = handshake(limited.port(), "token=" + alice());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().toLowerCase()).contains("retry-after:");
            assertThat(Json.readTree(refused.body()).path("error").asText()).isEqualTo("RATE_LIMITED");
        }
    }
}
