package io.projectindex.hub.cli.loadtest;

import io.projectindex.hub.protocol.EventCodec;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.server.delivery.Compression;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameScannerTest {
    private static final Instant T = Instant.parse("2025-01-15T12:00:00.123Z");
    private static final UUID PROJECT = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");

    /** Records what the scanner reported, as readable strings. */
    private static final class Seen implements FrameScanner.Listener {
        final List<String> items = new ArrayList<>();

        @Override
        public void onEvent(long offset, long sentNanos, boolean replay) {
            items.add("event " + offset + " sent=" + sentNanos + (replay ? " replay" : ""));
        }

        @Override
        public void onControl(String type, String code) {
            items.add("control " + type + (code == null ? "" : " " + code));
        }
    }

    private static byte[] envelope(long offset, long sentNanos, boolean replay) {
        String data = "{\"project_id\":\"" + PROJECT + "\",\"file_path\":\"src/A.java\",\"change_type\":\"modified\","
                + "\"nested\":{\"offset\":999,\"lt_sent_nanos\":1},\"lt_seq\":7,\"lt_sent_nanos\":" + sentNanos + "}";
        return EventCodec.encode(EventType.DEPENDENCY_CHANGED, UUID.randomUUID(), data.getBytes(StandardCharsets.UTF_8),
                T, "corr-1", offset, "ep1", replay);
    }

    @Test
    void anEnvelopeYieldsItsOffsetAndTheTopLevelSendTimeOfItsData() {
        Seen seen = new Seen();
        FrameScanner.scanText(new String(envelope(42, 123_456_789_012L, false), StandardCharsets.UTF_8), seen);
        assertThat(seen.items).containsExactly("event 42 sent=123456789012");
    }

    @Test
    void aBatchYieldsEveryEnvelopeInOrderAndNothingForTheBatchItself() {
        byte[] batch = EventCodec.batch(List.of(envelope(5, 100, false), envelope(6, 200, false),
                envelope(7, 300, true)), T);
        Seen seen = new Seen();
        FrameScanner.scanUtf8(batch, seen);
        assertThat(seen.items).containsExactly("event 5 sent=100", "event 6 sent=200", "event 7 sent=300 replay");
    }

    @Test
    void aGzipBinaryFrameIsInflatedFirst() {
        byte[] batch = EventCodec.batch(List.of(envelope(1, 11, false), envelope(2, 22, false)), T);
        Seen seen = new Seen();
        FrameScanner.scanGzip(Compression.gzip(batch), seen);
        assertThat(seen.items).containsExactly("event 1 sent=11", "event 2 sent=22");
    }

    @Test
    void controlMessagesReportTheirTypeAndErrorsTheirCode() {
        Seen seen = new Seen();
        FrameScanner.scanText("{\"type\":\"welcome\",\"data\":{\"connection_id\":\"c1\",\"limits\":{\"a\":[1,2]}},"
                + "\"timestamp\":\"2025-01-15T12:00:00.123Z\"}", seen);
        FrameScanner.scanText("{\"type\":\"subscription_ack\",\"data\":{\"offset\":3,\"epoch\":\"e\"}}", seen);
        FrameScanner.scanText("{\"type\":\"error\",\"data\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow\"}}",
                seen);
        assertThat(seen.items).containsExactly("control welcome", "control subscription_ack",
                "control error RATE_LIMITED");
    }

    @Test
    void anEventWithoutASendTimeReportsZero() {
        Seen seen = new Seen();
        FrameScanner.scanText("{\"type\":\"analysis_progress\",\"id\":\"x\",\"data\":{\"progress_percentage\":5},"
                + "\"offset\":9,\"epoch\":\"e\"}", seen);
        assertThat(seen.items).containsExactly("event 9 sent=0");
    }

    @Test
    void somethingThatIsNotAJsonObjectIsRefused() {
        assertThatThrownBy(() -> FrameScanner.scanText("[1,2]", new Seen()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameScanner.scanText("{\"type\":", new Seen()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameScanner.scanGzip(new byte[] {1, 2, 3}, new Seen()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
