package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.projectindex.hub.server.delivery.DeliveryEvents.updated;
import static org.assertj.core.api.Assertions.assertThat;

/** PROTOCOL §6 on the queue: which frames a compression=gzip connection gets as gzip binary frames. */
class GzipDeliveryTest {
    private final FakeClock clock = new FakeClock();
    private final QueueBudget budget = new QueueBudget(10_000);
    private final FakeSink sink = new FakeSink(clock);
    private final UUID project = UUID.randomUUID();

    private OutboundQueue gzip(boolean batch) {
        return sink.attach(Policies.rateLimit(Policies.defaults(batch, true), 0, 0), budget);
    }

    @Test
    void largeCompressibleEventsGoAsGzipBinaryAndEverythingElseAsText() {
        OutboundQueue q = gzip(false);
        StoredEvent large = DeliveryEvents.sized(project, 3000, 1);
        StoredEvent small = updated(project, 2);
        StoredEvent random = DeliveryEvents.incompressible(project, 4000, 3);
        StoredEvent replayed = DeliveryEvents.sized(project, 3000, 4);
        byte[] bigReply = ("{\"type\":\"stats\",\"data\":{\"pad\":\"" + "y".repeat(5000) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);

        q.offerLive(large);
        q.offerLive(small);
        q.offerLive(random);
        q.offerReplay(replayed);
        q.offerControl(bigReply);

        assertThat(sink.written).extracting(OutboundFrame::binary).containsExactly(true, false, false, true, false);
        assertThat(FakeSink.json(sink.written.get(0))).isEqualTo(large.frame(false));
        assertThat(FakeSink.json(sink.written.get(3))).isEqualTo(replayed.frame(true));
        assertThat(sink.written.get(1).bytes()).isSameAs(small.frame(false));
        assertThat(sink.written.get(4).bytes()).isSameAs(bigReply);
        assertThat(q.stats().compressedFrames()).isEqualTo(2);
        assertThat(q.stats().compressionSavedBytes()).isGreaterThan(5000);
        assertThat(sink.written.get(0).jsonBytes()).isEqualTo(3000);
    }

    @Test
    void aConnectionThatDidNotAskForGzipNeverGetsBinaryFrames() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        q.offerLive(DeliveryEvents.sized(project, 3000, 1));
        assertThat(sink.written.get(0).binary()).isFalse();
    }

    @Test
    void everyGzipConnectionGetsTheSameCompressedBytesOfAnEvent() {
        StoredEvent large = DeliveryEvents.sized(project, 3000, 1);
        FakeSink other = new FakeSink(clock);
        OutboundQueue q1 = gzip(false);
        OutboundQueue q2 = other.attach(Policies.rateLimit(Policies.defaults(false, true), 0, 0), budget);

        q1.offerLive(large);
        q2.offerLive(large);

        assertThat(other.written.get(0).bytes()).isSameAs(sink.written.get(0).bytes());
    }

    @Test
    void aBatchIsCompressedAsOneFrameWhenItCrossesTheThreshold() {
        OutboundQueue q = gzip(true);
        q.offerLive(DeliveryEvents.sized(project, 700, 1));
        q.offerLive(DeliveryEvents.sized(project, 700, 2));
        q.offerLive(DeliveryEvents.sized(project, 700, 3));
        sink.advanceMillis(100);

        assertThat(sink.written).extracting(OutboundFrame::binary).containsExactly(false, true);
        assertThat(sink.written.get(1).events()).isEqualTo(2);
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L);
    }
}
