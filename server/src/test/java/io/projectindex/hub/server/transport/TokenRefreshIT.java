package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.awaitAudit;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A token's lifetime on an open connection (PROTOCOL §3 {@code refresh}, §10 close 4001), with
 * a clock skew of 0 so short tokens expire when they say: the {@code token_expiring} notice, a
 * refresh that carries the connection past the first token's expiry, refusals that keep the old
 * token, and the 4001 close when no refresh comes.
 */
class TokenRefreshIT {
    private static final UUID P1 = UUID.randomUUID();
    private static final UUID P2 = UUID.randomUUID();

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

    static String alice() {
        return token("alice", List.of(P1.toString()), "events:read", Duration.ofHours(1));
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
        awaitAudit(auditFile, n -> n.path("event").asText().equals("token_refreshed") && n.path("user").asText().equals("alice"));
    }

    @Test
    void anExpiredTokenEndsTheConnectionWith4001() {
        WsRecorder ws = hub.connectWelcomed("token=" + token("alice", List.of(P1.toString()), "events:read",
                Duration.ofSeconds(3)));
        assertThat(ws.awaitType("notice").path("data").path("kind").asText()).isEqualTo("token_expiring");
        assertThat(ws.awaitClose()).isEqualTo(4001);
        awaitAudit(auditFile, n -> n.path("event").asText().equals("token_expired") && n.path("user").asText().equals("alice"));
    }

    @Test
    void aRefreshWithAnotherUsersOrAnInvalidTokenIsRefusedAndTheOldTokenStays() {
        WsRecorder ws = hub.connectWelcomed("token=" + alice());
        JsonNode otherUser = ws.request("""
                {"action":"refresh","token":"%s"}""".formatted(token("indexer", List.of("*"), "events:publish", Duration.ofHours(1))));
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
        awaitAudit(auditFile, n -> n.path("event").asText().equals("auth_failure") && n.path("transport").asText().equals("refresh"));
    }

}
