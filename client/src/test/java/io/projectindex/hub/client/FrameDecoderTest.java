package io.projectindex.hub.client;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.data.AnalysisProgressData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Frames as the hub writes them (PROTOCOL §2, §5, §6), decoded from literal text and bytes. */
class FrameDecoderTest {
    private static final String PROJECT = "7d1b5c8e-2f3a-4b6c-9d0e-1f2a3b4c5d6e";
    private static final String SESSION = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    private static String progress(long offset, double pct, boolean replay) {
        return "{\"type\":\"analysis_progress\",\"id\":\"00000000-0000-4000-8000-00000000000" + offset + "\","
                + "\"data\":{\"session_id\":\"" + SESSION + "\",\"project_id\":\"" + PROJECT + "\","
                + "\"progress_percentage\":" + pct + ",\"extra\":{\"kept\":true}},"
                + "\"timestamp\":\"2025-01-15T12:00:00.123Z\",\"correlation_id\":\"run-1\","
                + "\"offset\":" + offset + ",\"epoch\":\"k3x9q\"" + (replay ? ",\"replay\":true" : "") + "}";
    }

    @Test
    void anEventFrameBecomesOneTypedEventWithItsPosition() {
        FrameDecoder.Inbound in = FrameDecoder.decodeText(progress(7, 42.5, false));

        assertThat(in).isInstanceOf(FrameDecoder.Events.class);
        Event e = ((FrameDecoder.Events) in).events().get(0);
        assertThat(e.type()).isEqualTo(EventType.ANALYSIS_PROGRESS);
        assertThat(e.offset()).isEqualTo(7);
        assertThat(e.epoch()).isEqualTo("k3x9q");
        assertThat(e.correlationId()).isEqualTo("run-1");
        assertThat(e.replay()).isFalse();
        assertThat(e.projectId()).hasToString(PROJECT);
        assertThat(e.data(AnalysisProgressData.class)).get()
                .extracting(AnalysisProgressData::progressPercentage).isEqualTo(42.5);
        assertThat(e.data().path("extra").path("kept").asBoolean()).isTrue();
    }

    @Test
    void aBatchFrameBecomesItsEventsInOrder() {
        String batch = "{\"type\":\"batch\",\"events\":[" + progress(1, 10, false) + "," + progress(2, 20, false) + ","
                + progress(3, 30, true) + "],\"timestamp\":\"2025-01-15T12:00:00.200Z\"}";

        FrameDecoder.Inbound in = FrameDecoder.decodeText(batch);

        assertThat(((FrameDecoder.Events) in).events()).extracting(Event::offset).containsExactly(1L, 2L, 3L);
        assertThat(((FrameDecoder.Events) in).events()).extracting(Event::replay).containsExactly(false, false, true);
    }

    @Test
    void aGzipBinaryFrameDecodesLikeItsText() throws IOException {
        String batch = "{\"type\":\"batch\",\"events\":[" + progress(4, 40, false) + "," + progress(5, 50, false)
                + "],\"timestamp\":\"2025-01-15T12:00:00.200Z\"}";

        FrameDecoder.Inbound fromGzip = FrameDecoder.decodeBinary(gzip(batch), 1 << 20);
        FrameDecoder.Inbound single = FrameDecoder.decodeBinary(gzip(progress(6, 60, false)), 1 << 20);

        assertThat(((FrameDecoder.Events) fromGzip).events()).extracting(Event::offset).containsExactly(4L, 5L);
        assertThat(((FrameDecoder.Events) single).events()).extracting(Event::offset).containsExactly(6L);
    }

    @Test
    void aControlFrameKeepsItsTypeDataAndCorrelationId() {
        FrameDecoder.Inbound in = FrameDecoder.decodeText("{\"type\":\"pong\",\"data\":{\"connection_health\":1.0,"
                + "\"server_time\":\"2025-01-15T12:00:00.000Z\"},\"timestamp\":\"2025-01-15T12:00:00.000Z\",\"correlation_id\":\"c9\"}");

        FrameDecoder.Control c = (FrameDecoder.Control) in;
        assertThat(c.type()).isEqualTo("pong");
        assertThat(c.correlationId()).isEqualTo("c9");
        assertThat(c.data().path("connection_health").asDouble()).isEqualTo(1.0);
    }

    @Test
    void framesThatAreNotHubFramesAreInvalidMessages() {
        for (String bad : new String[] {"not json", "[1,2]", "{\"data\":{}}", "{\"type\":\"batch\"}",
                "{\"type\":\"analysis_progress\",\"data\":{}}"}) {
            assertThatThrownBy(() -> FrameDecoder.decodeText(bad)).as(bad)
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
        }
        assertThatThrownBy(() -> FrameDecoder.decodeBinary("plain".getBytes(StandardCharsets.UTF_8), 1024))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE));
    }

    @Test
    void aCompressedFrameThatInflatesBeyondTheLimitIsRefused() throws IOException {
        byte[] bomb = gzip("{\"type\":\"pong\",\"data\":{\"pad\":\"" + "x".repeat(100_000) + "\"}}");

        assertThat(bomb.length).isLessThan(2048);
        assertThatThrownBy(() -> FrameDecoder.decodeBinary(bomb, 10_000))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
