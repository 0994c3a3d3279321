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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.awaitAudit;
import static io.projectindex.hub.server.transport.AuthFixtures.handshake;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authentication and permissions end to end against a hub configured with an HS256 secret:
 * the handshake refuses missing and invalid tokens with 401 before any upgrade, a valid token's
 * {@code sub} is the connection's user, projects and scopes are enforced on subscribe, replay,
 * live delivery, publish and history, and each refusal and publish is audited.
 */
class AuthenticationIT {
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
        hub = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", auditFile.toString()));
    }

    @AfterAll
    static void stop() {
        hub.close();
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

    @Test
    void missingInvalidAndExpiredTokensAre401BeforeTheUpgradeWithoutTheReason() {
        String wrongSecret = TokenMinter.hs256("some-other-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8),
                TokenMinter.Spec.of("mallory", List.of("*"), "admin", Instant.now(), Instant.now().plusSeconds(600)));
        String expired = token("alice", List.of(P1.toString()), "events:read", Duration.ofSeconds(-60));
        Map<String, String> cases = Map.of("", "no token", "token=" + wrongSecret, "Invalid signature",
                "token=" + expired, "Expired JWT", "token=not.a.jwt", "malformed");
        cases.forEach((query, reason) -> {
            AuthFixtures.Handshake h = handshake(hub.port(), query);
            assertThat(h.status()).as("handshake with %s", reason).isEqualTo(401);
            assertThat(h.headers().toLowerCase()).doesNotContain("sec-websocket-accept");
            assertThat(Json.readTree(h.body()).path("error").asText()).isEqualTo("UNAUTHORIZED");
            assertThat(h.body()).doesNotContain(reason).doesNotContain("JWT").contains("authentication required");
        });
        JsonNode expiredLine = awaitAudit(auditFile, n -> n.path("event").asText().equals("auth_failure")
                && n.path("reason").asText().contains("Expired JWT"));
        assertThat(expiredLine.path("transport").asText()).isEqualTo("websocket");
        assertThat(expiredLine.path("remote_ip").asText()).isEqualTo("127.0.0.1");
        awaitAudit(auditFile, n -> n.path("event").asText().equals("auth_failure") && n.path("reason").asText().contains("no token"));
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

        JsonNode line = awaitAudit(auditFile, n -> n.path("event").asText().equals("forbidden")
                && n.path("action").asText().equals("replay") && n.path("project_id").asText().equals(P2.toString()));
        assertThat(line.path("user").asText()).isEqualTo("alice");
        awaitAudit(auditFile, n -> n.path("event").asText().equals("forbidden") && n.path("action").asText().equals("subscribe")
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
        JsonNode published = awaitAudit(auditFile, n -> n.path("event").asText().equals("publish")
                && n.path("project_id").asText().equals(P1.toString()) && n.path("count").asInt() == 2);
        assertThat(published.path("user").asText()).isEqualTo("indexer");
        awaitAudit(auditFile, n -> n.path("event").asText().equals("forbidden") && n.path("action").asText().equals("publish")
                && n.path("user").asText().equals("alice"));
        awaitAudit(auditFile, n -> n.path("event").asText().equals("auth_failure") && n.path("transport").asText().equals("http"));
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

}
