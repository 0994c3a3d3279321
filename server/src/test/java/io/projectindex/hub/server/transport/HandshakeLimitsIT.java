package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.handshake;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The limits applied at the handshake: connections per user (4029) and handshakes per client IP (429). */
class HandshakeLimitsIT {

    static String alice() {
        return token("alice", List.of(UUID.randomUUID().toString()), "events:read", Duration.ofHours(1));
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
            AuthFixtures.Handshake refused = handshake(limited.port(), "token=" + alice());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().toLowerCase()).contains("retry-after:");
            assertThat(Json.readTree(refused.body()).path("error").asText()).isEqualTo("RATE_LIMITED");
        }
    }
}
