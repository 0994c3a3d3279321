package io.projectindex.hub.server.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class CompressionTest {
    private final Compression compression = new Compression(1024);

    @ParameterizedTest(name = "{0} bytes compressed to {1}: worth it = {2}")
    @CsvSource({"1000, 799, true", "1000, 800, false", "1000, 801, false", "5, 3, true", "5, 4, false"})
    void gzipMustSaveMoreThanTwentyPercent(int plain, int compressed, boolean worthIt) {
        assertThat(Compression.worthIt(plain, compressed)).isEqualTo(worthIt);
    }

    @Test
    void framesUnderTheThresholdStayText() {
        byte[] json = json(1023, 'a');
        assertThat(compression.compressOrNull(json)).isNull();
        assertThat(compression.compressOrNull(json(1024, 'a'))).isNotNull();
    }

    @Test
    void aLargeRepetitiveFrameIsGzippedAndDecodesToTheSameJson() throws IOException {
        byte[] json = json(2048, 'a');
        byte[] gz = compression.compressOrNull(json);

        assertThat(gz).isNotNull();
        assertThat(gz.length).isLessThan(json.length / 10);
        assertThat(gunzip(gz)).isEqualTo(json);
    }

    @Test
    void aLargeFrameThatGzipCannotShrinkEnoughStaysText() {
        byte[] json = DeliveryEvents.incompressible(UUID.randomUUID(), 4000, 1).frame(false);
        byte[] gz = Compression.gzip(json);
        assertThat(gz.length).as("random letters and digits still shrink a little").isLessThan(json.length);
        assertThat(Compression.worthIt(json.length, gz.length)).as("but by less than 20 %%").isFalse();
        assertThat(compression.compressOrNull(json)).isNull();
    }

    @Test
    void theReusedDeflaterGivesIndependentCorrectResults() throws IOException {
        for (int i = 0; i < 20; i++) {
            byte[] json = json(1024 + i * 97, (char) ('a' + i));
            assertThat(gunzip(Compression.gzip(json))).isEqualTo(json);
        }
        assertThat(gunzip(Compression.gzip(new byte[0]))).isEmpty();
    }

    @Test
    void aLiveEnvelopeIsCompressedOnceAndSharedByEveryConnection() {
        var event = DeliveryEvents.sized(UUID.randomUUID(), 3000, 7);
        AtomicInteger calls = new AtomicInteger();
        byte[] first = event.compressedLiveFrame(json -> {
            calls.incrementAndGet();
            return compression.compressOrNull(json);
        });
        for (int i = 0; i < 100; i++) {
            byte[] again = event.compressedLiveFrame(json -> {
                calls.incrementAndGet();
                return compression.compressOrNull(json);
            });
            assertThat(again).isSameAs(first);
        }
        assertThat(calls).hasValue(1);

        var small = DeliveryEvents.sized(UUID.randomUUID(), 500, 8);
        assertThat(compression.compressedLiveFrame(small)).isNull();
        assertThat(small.compressedLiveFrame(json -> {
            throw new AssertionError("the declined answer is cached too");
        })).isNull();
    }

    private static byte[] json(int size, char fill) {
        String prefix = "{\"type\":\"x\",\"pad\":\"";
        String suffix = "\"}";
        return (prefix + String.valueOf(fill).repeat(size - prefix.length() - suffix.length()) + suffix)
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }
}
