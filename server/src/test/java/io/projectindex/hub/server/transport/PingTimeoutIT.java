package io.projectindex.hub.server.transport;

import io.projectindex.hub.server.testing.RawWebSocket;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The server pings every connection; one that leaves two pings unanswered is closed with 4000. */
class PingTimeoutIT {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("WEBSOCKET_PING_INTERVAL_MS", "200"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void aClientThatNeverAnswersPingsIsClosedWith4000() throws IOException {
        try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "")) {
            int pings = 0;
            while (true) {
                RawWebSocket.Frame f = ws.readFrame(); // read as sent: pings stay unanswered
                if (f.opcode() == RawWebSocket.PING) {
                    pings++;
                } else if (f.opcode() == RawWebSocket.CLOSE) {
                    byte[] payload = f.payload();
                    int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                    assertThat(code).isEqualTo(4000);
                    assertThat(new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)).isEqualTo("ping timeout");
                    break;
                }
            }
            assertThat(pings).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() {
        WsRecorder ws = hub.connectWelcomed("");
        ws.assertNoMoreFrames(Duration.ofMillis(1500));
        assertThat(ws.request("{\"action\":\"ping\"}").path("type").asText()).isEqualTo("pong");
        ws.close();
    }
}
