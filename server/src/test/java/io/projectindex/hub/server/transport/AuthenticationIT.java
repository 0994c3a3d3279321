package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.auth.TokenMinter;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
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
import java.util.Objects;
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
 * live delivery, publish and history, the monitoring API is for {@code admin} tokens only, and
 * each refusal, publish and monitoring call is audited.
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

    /**
     * Every monitoring route mounted by {@link MonitoringApi}, with parameters that are valid (an
     * admin gets 200). The test below checks this list against the router, so a new route cannot
     * be left out.
     */
    private static final List<String> ADMIN_ROUTES = List.of(
            "/metrics",
            "/metrics/prometheus",
            "/performance?window_minutes=5",
            "/connections",
            "/events/statistics?window_minutes=5",
            "/queue/status",
            "/anomalies?window_minutes=5&metric_name=events_per_second",
            "/alerts",
            "/filters",
            "/debug/internal-state");

    @Test
    void theMonitoringApiIs401WithoutATokenAnd403WithoutTheAdminScopeAndIsAudited() {
        Router router = Router.router(hub.server().vertx());
        MonitoringApi.mount(router, null, null);
        List<String> mounted = router.getRoutes().stream().map(Route::getPath).filter(Objects::nonNull)
                .map(p -> p.substring(MonitoringApi.BASE.length())).filter(p -> !p.equals("/health")).toList();
        assertThat(ADMIN_ROUTES).extracting(r -> r.split("\\?")[0]).containsExactlyInAnyOrderElementsOf(mounted);

        String reader = token("monitor-reader", List.of("*"), "events:read events:publish", Duration.ofHours(1));
        String admin = token("monitor-admin", List.of(), "admin", Duration.ofHours(1));
        String wrongSecret = TokenMinter.hs256("some-other-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8),
                TokenMinter.Spec.of("mallory", List.of("*"), "admin", Instant.now(), Instant.now().plusSeconds(600)));
        for (String route : ADMIN_ROUTES) {
            String path = MonitoringApi.BASE + route;
            TestHub.Response anonymous = get(path, null);
            assertThat(anonymous.status()).as("%s without a token", route).isEqualTo(401);
            assertThat(anonymous.json().path("error").asText()).isEqualTo("UNAUTHORIZED");
            assertThat(get(path, wrongSecret).status()).as("%s with a forged admin token", route).isEqualTo(401);
            TestHub.Response forbidden = get(path, reader);
            assertThat(forbidden.status()).as("%s without the admin scope", route).isEqualTo(403);
            assertThat(forbidden.json().path("error").asText()).isEqualTo("FORBIDDEN");
            assertThat(forbidden.body()).doesNotContain("node_id");
            TestHub.Response allowed = get(path, admin);
            assertThat(allowed.status()).as("%s as admin: %s", route, allowed.body()).isEqualTo(200);
        }
        // Parameters are checked only for admins: a bad one is 403 for others, 400 for an admin.
        String badMetric = MonitoringApi.BASE + "/anomalies?metric_name=latency";
        assertThat(get(badMetric, reader).status()).isEqualTo(403);
        assertThat(get(badMetric, admin).status()).isEqualTo(400);
        assertThat(get(MonitoringApi.BASE + "/performance?window_minutes=0", admin).status()).isEqualTo(400);

        JsonNode refused = awaitAudit(auditFile, n -> n.path("event").asText().equals("admin")
                && n.path("user").asText().equals("monitor-reader") && n.path("path").asText().endsWith("/debug/internal-state"));
        assertThat(refused.path("allowed").isBoolean()).isTrue();
        assertThat(refused.path("allowed").asBoolean()).isFalse();
        assertThat(refused.path("method").asText()).isEqualTo("GET");
        assertThat(refused.path("path").asText()).isEqualTo(MonitoringApi.BASE + "/debug/internal-state");
        assertThat(refused.path("remote_ip").asText()).isEqualTo("127.0.0.1");
        JsonNode used = awaitAudit(auditFile, n -> n.path("event").asText().equals("admin")
                && n.path("user").asText().equals("monitor-admin") && n.path("path").asText().endsWith("/metrics/prometheus"));
        assertThat(used.path("allowed").asBoolean()).isTrue();
        assertThat(used.path("method").asText()).isEqualTo("GET");
        for (String route : ADMIN_ROUTES) {
            String path = MonitoringApi.BASE + route.split("\\?")[0];
            awaitAudit(auditFile, n -> n.path("event").asText().equals("admin") && n.path("user").asText().equals("monitor-reader")
                    && n.path("path").asText().equals(path) && !n.path("allowed").asBoolean(true));
        }
        // A refused token on a monitoring route is an authentication failure like on any other REST route.
        awaitAudit(auditFile, n -> n.path("event").asText().equals("auth_failure") && n.path("transport").asText().equals("http")
                && n.path("reason").asText().contains("signature"));
    }

    @Test
    void theHealthRouteTellsEveryoneTheStatusAndOnlyAdminsTheChecks() {
        String path = MonitoringApi.BASE + "/health";
        String reader = token("health-reader", List.of("*"), "events:read", Duration.ofHours(1));
        String expired = token("monitor-admin", List.of(), "admin", Duration.ofSeconds(-60));
        for (String t : java.util.Arrays.asList(null, reader, expired, "not.a.jwt")) {
            // Refused handshakes and 401/403s of the other tests may have made this hub degraded or unhealthy (503).
            TestHub.Response r = get(path, t);
            assertThat(r.status()).as("health with %s", t).isIn(200, 503);
            assertThat(r.json().path("status").asText()).isIn("healthy", "degraded", "unhealthy");
            assertThat(r.json().has("timestamp")).isTrue();
            assertThat(r.json().has("checks")).as("checks shown with %s", t).isFalse();
            assertThat(r.json().size()).as("only status and timestamp: %s", r.body()).isEqualTo(2);
        }
        TestHub.Response full = get(path, token("monitor-admin", List.of(), "admin", Duration.ofHours(1)));
        assertThat(full.status()).isIn(200, 503);
        assertThat(full.json().path("checks").path("history_store").path("healthy").asBoolean()).isTrue();
        assertThat(full.json().path("checks").size()).isGreaterThan(1);
    }

}
