package io.projectindex.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.data.AnalysisProgressData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventCodecTest {
    private static final UUID ID = UUID.fromString("3f0c2d1e-8b7a-4c55-9e0f-1a2b3c4d5e6f");

    @Test
    void anEnvelopeRoundTripsWithTheDataBytesUntouched() {
        JsonNode progress = Json.readTree(Samples.PROGRESS).path("data");
        byte[] data = Json.writeBytes(progress);
        byte[] frame = EventCodec.encode(EventType.ANALYSIS_PROGRESS, ID, data, Instant.parse("2025-01-15T12:00:00.123Z"),
                "run \"7\"", 42, "k3x9q", false);
        String text = new String(frame, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"type\":\"analysis_progress\",\"id\":\"" + ID + "\",\"data\":{")
                .contains(",\"timestamp\":\"2025-01-15T12:00:00.123Z\",\"correlation_id\":\"run \\\"7\\\"\",\"offset\":42,\"epoch\":\"k3x9q\"}");
        Event e = Event.fromWire(Json.readTree(text));
        assertThat(e.type()).isEqualTo(EventType.ANALYSIS_PROGRESS);
        assertThat(e.offset()).isEqualTo(42);
        assertThat(e.replay()).isFalse();
        assertThat(e.correlationId()).isEqualTo("run \"7\"");
        assertThat(e.data()).isEqualTo(progress);
        assertThat(e.data(AnalysisProgressData.class)).get().extracting(AnalysisProgressData::errorsEncountered).isEqualTo(1L);
    }

    @Test
    void theReplayFormAddsTheFlag() {
        byte[] frame = EventCodec.encode(EventType.PROJECT_INDEX_UPDATED, ID, "{}".getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH, "c", 1, "e", true);
        assertThat(new String(frame, StandardCharsets.UTF_8)).endsWith(",\"replay\":true}");
    }

    @Test
    void aBatchJoinsEnvelopesWithoutReencodingThem() {
        byte[] a = "{\"offset\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] b = "{\"offset\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] batch = EventCodec.batch(List.of(a, b), Instant.parse("2025-01-15T12:00:00Z"));
        String text = new String(batch, StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"type\":\"batch\",\"events\":[{\"offset\":1},{\"offset\":2}],\"timestamp\":\"2025-01-15T12:00:00.000Z\"}");
        assertThat(EventCodec.batchSize(a.length + b.length, 2)).isEqualTo(batch.length);
        assertThat(Json.readTree(text).path("events")).hasSize(2);
    }

    @Test
    void batchesBuiltInTheSameOrDifferentMillisecondsCarryTheirOwnTimestamp() {
        byte[] a = "{\"offset\":1}".getBytes(StandardCharsets.UTF_8);
        Instant t = Instant.parse("2025-01-15T12:00:00.123Z");
        String first = new String(EventCodec.batch(List.of(a), t), StandardCharsets.UTF_8);
        String sameMilli = new String(EventCodec.batch(List.of(a), t.plusNanos(999_000)), StandardCharsets.UTF_8);
        String next = new String(EventCodec.batch(List.of(a), t.plusMillis(1)), StandardCharsets.UTF_8);
        String back = new String(EventCodec.batch(List.of(a), t), StandardCharsets.UTF_8);
        assertThat(first).isEqualTo("{\"type\":\"batch\",\"events\":[{\"offset\":1}],\"timestamp\":\"2025-01-15T12:00:00.123Z\"}")
                .isEqualTo(sameMilli).isEqualTo(back);
        assertThat(next).endsWith("\"timestamp\":\"2025-01-15T12:00:00.124Z\"}");
        assertThat(EventCodec.batch(List.of(), t)).asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"type\":\"batch\",\"events\":[],\"timestamp\":\"2025-01-15T12:00:00.123Z\"}");
    }

    @Test
    void timestampsFormatPerMillisecondIncludingTheEpochAndFarInstants() {
        assertThat(Timestamps.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(Timestamps.format(Instant.ofEpochMilli(Long.MIN_VALUE))).isNotEqualTo(Timestamps.format(Instant.EPOCH));
        assertThat(Timestamps.format(Instant.parse("2025-01-15T12:00:00.123456Z"))).isEqualTo("2025-01-15T12:00:00.123Z");
        Instant beyondEpochMillis = Instant.ofEpochSecond(Long.MAX_VALUE / 1000 + 1);
        assertThat(Timestamps.format(beyondEpochMillis)).endsWith(".000Z").isNotEqualTo(Timestamps.format(Instant.EPOCH));
        assertThat(new String(Timestamps.formatAscii(Instant.parse("2030-06-01T00:00:01Z")), StandardCharsets.US_ASCII))
                .isEqualTo("2030-06-01T00:00:01.000Z");
    }
}
