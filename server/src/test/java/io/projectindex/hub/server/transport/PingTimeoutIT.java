package io.projectindex.hub.server.transport;

import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
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
        try (Socket socket = new Socket("127.0.0.1", hub.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/project-index/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String headers = readHeaders(in);
            assertThat(headers).startsWith("HTTP/1.1 101");
            int pings = 0;
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] payload = in.readNBytes((int) len);
                int opcode = b0 & 0x0F;
                if (opcode == 0x9) {
                    pings++;
                } else if (opcode == 0x8) {
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

    private static String readHeaders(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            sb.append((char) in.readUnsignedByte());
        }
        return sb.toString();
    }
}
