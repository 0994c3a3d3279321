package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.SseRecorder;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.awaitAudit;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-project permissions on every way in: a resume, Server-Sent Events and the history query of
 * a project outside the token are refused and audited; a project-less subscription, a resume next
 * to it, and a connection whose token was narrowed by {@code refresh} never see another project's
 * events, replayed ones included.
 */
class PermissionsIT {
    private static final UUID P1 = UUID.randomUUID();
    private static final UUID P2 = UUID.randomUUID();
    private static final UUID P3 = UUID.randomUUID();

    @TempDir
    static Path dir;
    private static Path auditFile;
    private static TestHub hub;
    private static String epoch2;

    @BeforeAll
    static void start() {
        auditFile = dir.resolve("audit.log");
        hub = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", auditFile.toString()));
        publish("[" + Events.updated(P2) + "," + Events.updated(P1) + "," + Events.updated(P2) + "]");
        epoch2 = AuthFixtures.get(hub, "/api/v1/project-index/events?project_id=" + P2, token("root", List.of("*"),
                "admin", Duration.ofHours(1))).json().path("epoch").asText();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String alice() {
        return token("alice", List.of(P1.toString()), "events:read", Duration.ofHours(1));
    }

    static void publish(String body) {
        TestHub.Response r = AuthFixtures.post(hub, "/api/v1/project-index/events", body,
                token("indexer", List.of("*"), "events:publish", Duration.ofHours(1)));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    static Set<String> projects(List<JsonNode> events) {
        return events.stream().map(e -> e.path("data").path("project_id").asText()).collect(Collectors.toSet());
    }

    static void assertForbidden(JsonNode reply, UUID project, String action) {
        assertThat(reply.path("type").asText()).as("reply %s", reply).isEqualTo("error");
        assertThat(reply.path("data").path("error").asText()).isEqualTo("FORBIDDEN");
        assertThat(reply.path("data").path("details").path("project_id").asText()).isEqualTo(project.toString());
        assertThat(reply.path("data").path("action").asText()).isEqualTo(action);
    }

    @Test
    void resumingAForbiddenProjectIsRefusedSendsNothingAndIsAudited() {
        WsRecorder ws = hub.connectWelcomed("token=" + alice());
        assertForbidden(ws.request("""
                {"action":"subscribe","project_id":"%s","since_offset":0,"epoch":"%s","correlation_id":"r1"}"""
                .formatted(P2, epoch2)), P2, "subscribe");
        assertForbidden(ws.request("""
                {"action":"subscribe","project_id":"%s","since":"2020-01-01T00:00:00Z"}""".formatted(P2)), P2, "subscribe");
        assertThat(ws.request("{\"action\":\"get_stats\"}").path("data").path("subscriptions")).isEmpty();
        publish(Events.updated(P2));
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
        JsonNode line = awaitAudit(auditFile, n -> n.path("event").asText().equals("forbidden")
                && n.path("action").asText().equals("subscribe") && n.path("project_id").asText().equals(P2.toString())
                && n.path("user").asText().equals("alice"));
        assertThat(line.path("remote_ip").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void anEventStreamNeedsAValidTokenAndReadAccessToItsProjectAndRefusalsAreAudited() {
        String path = "/api/v1/project-index/events/stream?project_id=";
        SseRecorder anonymous = SseRecorder.open(URI.create(hub.baseUrl() + path + P1), Map.of());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error().path("error").asText()).isEqualTo("UNAUTHORIZED");
        awaitAudit(auditFile, n -> n.path("event").asText().equals("auth_failure") && n.path("transport").asText().equals("sse"));

        SseRecorder forbidden = SseRecorder.open(URI.create(hub.baseUrl() + path + P2 + "&token=" + alice()),
                Map.of("Last-Event-ID", epoch2 + ":0"));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.error().path("details").path("project_id").asText()).isEqualTo(P2.toString());
        awaitAudit(auditFile, n -> n.path("event").asText().equals("forbidden") && n.path("action").asText().equals("stream")
                && n.path("user").asText().equals("alice") && n.path("project_id").asText().equals(P2.toString()));

        String publishOnly = token("indexer", List.of("*"), "events:publish", Duration.ofHours(1));
        assertThat(SseRecorder.open(URI.create(hub.baseUrl() + path + P1), Map.of("Authorization", "Bearer " + publishOnly))
                .status()).as("events:publish alone does not read").isEqualTo(403);

        SseRecorder allowed = SseRecorder.open(URI.create(hub.baseUrl() + path + P1 + "&token=" + alice()), Map.of());
        assertThat(allowed.status()).isEqualTo(200);
        allowed.close();
    }

    @Test
    void aForbiddenHistoryQueryIsAudited() {
        TestHub.Response r = AuthFixtures.get(hub, "/api/v1/project-index/events?project_id=" + P2 + "&since_offset=0", alice());
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("error").asText()).isEqualTo("FORBIDDEN");
        assertThat(r.body()).doesNotContain("project_index_updated");
        awaitAudit(auditFile, n -> n.path("event").asText().equals("forbidden") && n.path("action").asText().equals("history")
                && n.path("user").asText().equals("alice"));
    }

    @Test
    void aProjectlessSubscriptionAndAResumeBesideItOnlyEverCarryPermittedProjects() {
        UUID own = UUID.randomUUID();
        publish("[" + Events.updated(P2) + "," + Events.updated(own) + "," + Events.updated(P3) + "]");
        WsRecorder ws = hub.connectWelcomed("token=" + token("dave", List.of(own.toString()), "events:read",
                Duration.ofHours(1)));
        assertThat(ws.request("{\"action\":\"subscribe\"}").path("type").asText()).isEqualTo("subscription_ack");
        JsonNode ack = ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + own + "\",\"since_offset\":0}");
        assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
        List<JsonNode> missed = ws.awaitEvents(1);
        assertThat(missed.get(0).path("replay").asBoolean()).isTrue();
        assertThat(projects(missed)).containsExactly(own.toString());

        publish("[" + Events.updated(P2) + "," + Events.context(P3) + "," + Events.updated(own) + "," + Events.updated(P1) + "]");
        List<JsonNode> live = ws.awaitEvents(1);
        assertThat(projects(live)).containsExactly(own.toString());
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
    }

    @Test
    void aRefreshThatNarrowsTheProjectsStopsTheirEventsReplaysAndResumesAtOnce() {
        String both = token("carol", List.of(P1.toString(), P2.toString()), "events:read", Duration.ofHours(1));
        WsRecorder ws = hub.connectWelcomed("token=" + both);
        ws.request("{\"action\":\"subscribe\"}");
        publish("[" + Events.updated(P1) + "," + Events.updated(P2) + "," + Events.updated(P3) + "]");
        assertThat(projects(ws.awaitEvents(2))).containsExactlyInAnyOrder(P1.toString(), P2.toString());

        String narrowed = token("carol", List.of(P1.toString()), "events:read", Duration.ofHours(1));
        assertThat(ws.request("{\"action\":\"refresh\",\"token\":\"" + narrowed + "\"}").path("type").asText())
                .isEqualTo("refresh_ack");
        publish("[" + Events.updated(P2) + "," + Events.updated(P1) + "," + Events.updated(P2) + "]");
        assertThat(projects(ws.awaitEvents(1))).containsExactly(P1.toString());
        assertForbidden(ws.request("{\"action\":\"replay\",\"project_id\":\"" + P2 + "\"}"), P2, "replay");
        assertForbidden(ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + P2 + "\",\"since_offset\":0}"),
                P2, "subscribe");
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
    }
}
