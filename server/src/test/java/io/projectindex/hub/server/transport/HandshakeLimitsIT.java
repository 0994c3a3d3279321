package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.auditLines;
import static io.projectindex.hub.server.transport.AuthFixtures.awaitAudit;
import static io.projectindex.hub.server.transport.AuthFixtures.handshake;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The limits applied at the handshake: connections per user (4029) and handshakes per client IP
 * (429), each audited as {@code connection_limit}.
 */
class HandshakeLimitsIT {

    static String alice() {
        return token("alice", List.of(UUID.randomUUID().toString()), "events:read", Duration.ofHours(1));
    }

    @Test
    void aUserOverTheConnectionLimitIsClosedWith4029AndOthersAreNot(@TempDir Path dir) {
        Path audit = dir.resolve("audit.log");
        try (TestHub limited = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "WEBSOCKET_MAX_CONNECTIONS_PER_USER", "2",
                "HUB_AUDIT_LOG", audit.toString()))) {
            String t = alice();
            WsRecorder first = limited.connectWelcomed("token=" + t);
            WsRecorder second = limited.connectWelcomed("token=" + t);
            WsRecorder third = limited.connect("token=" + t);
            assertThat(third.awaitClose()).isEqualTo(4029);
            WsRecorder bob = limited.connectWelcomed("token=" + token("bob", List.of("*"), "events:read", Duration.ofHours(1)));
            JsonNode hit = awaitAudit(audit, n -> n.path("event").asText().equals("connection_limit"));
            assertThat(hit.path("limit").asText()).isEqualTo("max_connections_per_user");
            assertThat(hit.path("user").asText()).isEqualTo("alice");
            assertThat(hit.path("max").asLong()).isEqualTo(2);
            assertThat(hit.path("remote_ip").asText()).isEqualTo("127.0.0.1");

            first.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                WsRecorder again = limited.connect("token=" + t);
                boolean welcomed = !again.awaitFrame().isClose();
                again.close();
                return welcomed;
            });
            second.close();
            bob.close();
            assertThat(auditLines(audit, n -> n.path("event").asText().equals("connection_limit")))
                    .as("only alice was over her limit").allSatisfy(n -> assertThat(n.path("user").asText()).isEqualTo("alice"));
        }
    }

    @Test
    void tooManyHandshakesFromOneAddressAre429BeforeTheTokenIsLookedAt(@TempDir Path dir) {
        Path audit = dir.resolve("audit.log");
        try (TestHub limited = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "WEBSOCKET_HANDSHAKE_RATE", "0.01",
                "WEBSOCKET_HANDSHAKE_BURST", "2", "WEBSOCKET_HANDSHAKE_LIMIT_LOOPBACK", "true", "HUB_AUDIT_LOG", audit.toString()))) {
            assertThat(handshake(limited.port(), "").status()).isEqualTo(401);
            assertThat(handshake(limited.port(), "").status()).isEqualTo(401);
            AuthFixtures.Handshake refused = handshake(limited.port(), "token=" + alice());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().toLowerCase()).contains("retry-after:");
            assertThat(Json.readTree(refused.body()).path("error").asText()).isEqualTo("RATE_LIMITED");
            JsonNode hit = awaitAudit(audit, n -> n.path("event").asText().equals("connection_limit"));
            assertThat(hit.path("limit").asText()).isEqualTo("handshake_rate");
            assertThat(hit.path("user").isNull()).as("the token was never read").isTrue();
            assertThat(hit.path("max").asDouble()).isEqualTo(0.01);
            assertThat(hit.path("remote_ip").asText()).isEqualTo("127.0.0.1");
            // The two 401s before it are auth failures, and the refused token was not looked at.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(auditLines(audit,
                    n -> n.path("event").asText().equals("auth_failure"))).hasSize(2));
            assertThat(auditLines(audit, n -> n.path("event").asText().equals("connection_limit"))).hasSize(1);
        }
    }
}
