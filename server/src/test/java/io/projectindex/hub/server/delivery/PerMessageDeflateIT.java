package io.projectindex.hub.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
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
        try (TestHub hub = TestHub.start(); Socket socket = new Socket("127.0.0.1", hub.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/project-index/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String headers = readHeaders(in);
            assertThat(headers).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-extensions: permessage-deflate");
            Inflater inflater = new Inflater(true);

            WireFrame welcome = readFrame(in, inflater);
            assertThat(Json.readTree(welcome.text()).path("type").asText()).isEqualTo("welcome");

            UUID p = UUID.randomUUID();
            writeMaskedText(out, "{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
            WireFrame ack = readFrame(in, inflater);
            assertThat(ack.compressed()).as("a small ack is not compressed").isFalse();
            assertThat(Json.readTree(ack.text()).path("type").asText()).isEqualTo("subscription_ack");

            StringBuilder files = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                files.append(i == 0 ? "" : ",").append("\"src/package_").append(i).append("/module.py\"");
            }
            hub.publish(Events.dependency(p, "src/large.py").replace("\"affected_files\":[\"src/main.py\",\"src/app.py\"]",
                    "\"affected_files\":[" + files + "]"));
            WireFrame large = readFrame(in, inflater);
            assertThat(large.compressed()).as("a frame over the threshold is compressed").isTrue();
            JsonNode event = Json.readTree(large.text());
            assertThat(event.path("data").path("impact_analysis").path("affected_files")).hasSize(60);

            hub.publish(Events.updated(p));
            WireFrame small = readFrame(in, inflater);
            assertThat(small.compressed()).as("a frame under the threshold is sent plain").isFalse();
            assertThat(Json.readTree(small.text()).path("offset").asLong()).isEqualTo(2);
        }
    }

    private static WireFrame readFrame(DataInputStream in, Inflater inflater) throws IOException, DataFormatException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] payload = in.readNBytes((int) len);
        boolean compressed = (b0 & 0x40) != 0;
        assertThat(b0 & 0x80).as("single-frame messages").isNotZero();
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
        return new WireFrame(compressed, b0 & 0x0F, text);
    }

    private static void writeMaskedText(OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xFF);
        }
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    private static String readHeaders(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            sb.append((char) in.readUnsignedByte());
        }
        return sb.toString();
    }
}
