package io.projectindex.hub.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.RawWebSocket;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/** permessage-deflate, seen on the wire: negotiated when offered, used for large frames only. */
class PerMessageDeflateIT {

    /** One server frame: whether RSV1 (compressed) was set, and its payload inflated when it was. */
    record WireFrame(boolean compressed, int opcode, String text) {
    }

    @Test
    void aClientOfferingPermessageDeflateGetsLargeFramesCompressedAndSmallOnesPlain() throws Exception {
        try (TestHub hub = TestHub.start();
             RawWebSocket ws = RawWebSocket.connect(hub.port(), "",
                     "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            assertThat(ws.handshake()).containsIgnoringCase("sec-websocket-extensions: permessage-deflate");
            Inflater inflater = new Inflater(true);

            WireFrame welcome = readFrame(ws, inflater);
            assertThat(Json.readTree(welcome.text()).path("type").asText()).isEqualTo("welcome");

            UUID p = UUID.randomUUID();
            ws.sendText("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
            WireFrame ack = readFrame(ws, inflater);
            assertThat(ack.compressed()).as("a small ack is not compressed").isFalse();
            assertThat(Json.readTree(ack.text()).path("type").asText()).isEqualTo("subscription_ack");

            StringBuilder files = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                files.append(i == 0 ? "" : ",").append("\"src/package_").append(i).append("/module.py\"");
            }
            hub.publish(Events.dependency(p, "src/large.py").replace("\"affected_files\":[\"src/main.py\",\"src/app.py\"]",
                    "\"affected_files\":[" + files + "]"));
            WireFrame large = readFrame(ws, inflater);
            assertThat(large.compressed()).as("a frame over the threshold is compressed").isTrue();
            JsonNode event = Json.readTree(large.text());
            assertThat(event.path("data").path("impact_analysis").path("affected_files")).hasSize(60);

            hub.publish(Events.updated(p));
            WireFrame small = readFrame(ws, inflater);
            assertThat(small.compressed()).as("a frame under the threshold is sent plain").isFalse();
            assertThat(Json.readTree(small.text()).path("offset").asLong()).isEqualTo(2);
        }
    }

    private static WireFrame readFrame(RawWebSocket ws, Inflater inflater) throws IOException, DataFormatException {
        RawWebSocket.Frame f = ws.readFrame();
        byte[] payload = f.payload();
        boolean compressed = f.rsv1();
        assertThat(f.fin()).as("single-frame messages").isTrue();
        String text;
        if (compressed) {
            byte[] withTail = new byte[payload.length + 4];
            System.arraycopy(payload, 0, withTail, 0, payload.length);
            withTail[payload.length + 2] = (byte) 0xFF;
            withTail[payload.length + 3] = (byte) 0xFF;
            inflater.setInput(withTail);
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = inflater.inflate(buf)) > 0) {
                plain.write(buf, 0, n);
            }
            text = plain.toString(StandardCharsets.UTF_8);
        } else {
            text = new String(payload, StandardCharsets.UTF_8);
        }
        return new WireFrame(compressed, f.opcode(), text);
    }
}
