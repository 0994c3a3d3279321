package io.projectindex.hub.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.delivery.OutboundQueue.Offer;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.projectindex.hub.server.delivery.DeliveryEvents.updated;
import static org.assertj.core.api.Assertions.assertThat;

/** PROTOCOL §5 with smart flushing: batch=true connections, batches of 10 / 100 ms / 8 KiB. */
class BatchingTest {
    private final FakeClock clock = new FakeClock();
    private final QueueBudget budget = new QueueBudget(10_000);
    private final FakeSink sink = new FakeSink(clock);
    private final UUID project = UUID.randomUUID();
    private long offset;

    private OutboundQueue batching() {
        return sink.attach(Policies.rateLimit(Policies.defaults(true, false), 0, 0), budget);
    }

    @Test
    void anIdleConnectionGetsItsFirstEventAtOnceAsAPlainEnvelope() {
        OutboundQueue q = batching();

        assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.SENT);

        assertThat(sink.types()).containsExactly("project_index_updated");
        assertThat(sink.timerRequests).isZero();
    }

    @Test
    void eventsArrivingWithinTheBatchTimeLeaveTogetherInOneBatchFrame() {
        OutboundQueue q = batching();
        long start = clock.nanoTime();
        q.offerLive(updated(project, ++offset));
        for (int i = 0; i < 4; i++) {
            clock.advanceMillis(10);
            assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.QUEUED);
        }
        assertThat(sink.written).hasSize(1);
        assertThat(sink.timerDeadlines).containsExactly(start + 100 * Policies.MS);

        sink.advanceMillis(59);
        assertThat(sink.written).as("99 ms after the first frame").hasSize(1);
        sink.advanceMillis(1);

        assertThat(sink.eventsPerFrame()).containsExactly(1, 4);
        JsonNode batch = sink.frames().get(1);
        assertThat(batch.get("type").textValue()).isEqualTo("batch");
        assertThat(batch.get("timestamp").textValue()).isEqualTo("2025-01-15T12:00:00.100Z");
        assertThat(batch.size()).as("type, events, timestamp").isEqualTo(3);
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(sink.written.get(1).batch()).isTrue();
        assertThat(q.stats().batchesSent()).isEqualTo(1);
    }

    @Test
    void theBatchFramesBytesAreTheEventsOwnEnvelopesJoined() {
        OutboundQueue q = batching();
        q.offerLive(updated(project, ++offset));
        StoredEvent second = updated(project, ++offset);
        StoredEvent third = updated(project, ++offset);
        q.offerLive(second);
        q.offerLive(third);
        sink.advanceMillis(100);

        String frame = new String(sink.written.get(1).bytes(), StandardCharsets.UTF_8);
        assertThat(frame).isEqualTo("{\"type\":\"batch\",\"events\":["
                + new String(second.frame(false), StandardCharsets.UTF_8) + ","
                + new String(third.frame(false), StandardCharsets.UTF_8)
                + "],\"timestamp\":\"2025-01-15T12:00:00.100Z\"}");
    }

    @Test
    void aFullBatchOfTenGoesWithoutWaitingForTheBatchTime() {
        OutboundQueue q = batching();
        q.offerLive(updated(project, ++offset));
        for (int i = 0; i < 9; i++) {
            assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.QUEUED);
        }
        assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.SENT);
        assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.QUEUED);

        assertThat(sink.eventsPerFrame()).containsExactly(1, 10);
        sink.advanceMillis(100);
        assertThat(sink.eventsPerFrame()).containsExactly(1, 10, 1);
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void batchesStayWithin8KiBAndALargerEventGoesAlone() {
        OutboundQueue q = batching();
        q.offerLive(updated(project, ++offset));
        q.offerLive(DeliveryEvents.sized(project, 3000, ++offset));
        q.offerLive(DeliveryEvents.sized(project, 3000, ++offset));
        assertThat(sink.written).hasSize(1);
        q.offerLive(DeliveryEvents.sized(project, 3000, ++offset)); // three would exceed 8 KiB: two go now
        assertThat(sink.eventsPerFrame()).containsExactly(1, 2);

        q.offerLive(DeliveryEvents.sized(project, 9000, ++offset)); // full on its own: both go, each alone
        assertThat(sink.eventsPerFrame()).containsExactly(1, 2, 1, 1);
        assertThat(sink.written.get(3).bytes().length).isEqualTo(9000);
        for (OutboundFrame f : sink.written.subList(0, 3)) {
            assertThat(f.bytes().length).isLessThanOrEqualTo(8192);
        }
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aBacklogBehindAFullSocketLeavesInFullBatchesAtTheDrainWithoutWaitingAgain() {
        OutboundQueue q = batching();
        sink.full = true;
        for (int i = 0; i < 25; i++) {
            q.offerLive(updated(project, ++offset));
        }
        clock.advanceMillis(500);

        sink.drain();

        assertThat(sink.eventsPerFrame()).containsExactly(10, 10, 5);
        assertThat(sink.offsets()).hasSize(25).isSorted();
        assertThat(sink.timerRequests).as("the rest had already waited a batch time").isZero();
    }

    @Test
    void aConnectionIsIdleAgainOneBatchTimeAfterItsLastEventFrame() {
        OutboundQueue q = batching();
        q.offerLive(updated(project, ++offset));
        clock.advanceMillis(100);
        assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.SENT);
        clock.advanceMillis(99);
        assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.QUEUED);
        sink.advanceMillis(1);
        assertThat(sink.eventsPerFrame()).containsExactly(1, 1, 1);
    }

    @Test
    void repliesAreNeverHeldForTheBatchWindow() {
        OutboundQueue q = batching();
        q.offerLive(updated(project, ++offset));
        q.offerLive(updated(project, ++offset));

        assertThat(q.offerControl("{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(Offer.SENT);
        assertThat(sink.types()).containsExactly("project_index_updated", "pong");
    }

    @Test
    void replayedEventsAreBatchedAndReplayCompleteFollowsThem() {
        OutboundQueue q = batching();
        for (int i = 0; i < 25; i++) {
            q.offerReplay(updated(project, ++offset));
        }
        assertThat(sink.eventsPerFrame()).containsExactly(1, 10, 10);
        q.offerControl("{\"type\":\"replay_complete\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(sink.eventsPerFrame()).containsExactly(1, 10, 10, 4);
        assertThat(sink.types()).containsExactly("project_index_updated", "batch", "batch", "batch", "replay_complete");
        for (JsonNode frame : sink.frames().subList(0, 4)) {
            assertThat(FakeSink.events(frame)).allSatisfy(e -> assertThat(e.get("replay").asBoolean()).isTrue());
        }
        assertThat(sink.offsets()).hasSize(25).isSorted();
        assertThat(sink.timerDeadlines).as("the tail was waiting for its batch; the reply behind it sent it at once")
                .hasSize(1);
    }

    @Test
    void theTailOfAResumeWaitsAtMostOneBatchTimeAndLiveEventsFollowIt() {
        OutboundQueue q = batching();
        for (int i = 0; i < 5; i++) {
            q.offerReplay(updated(project, ++offset));
        }
        q.offerLive(updated(project, ++offset));
        assertThat(sink.eventsPerFrame()).containsExactly(1);

        sink.advanceMillis(100);

        assertThat(sink.eventsPerFrame()).containsExactly(1, 4, 1);
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(sink.frames().get(2).has("replay")).isFalse();
    }

    @Test
    void withoutBatchEveryEventIsItsOwnFrameEvenAfterABacklog() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        sink.full = true;
        for (int i = 0; i < 12; i++) {
            q.offerLive(updated(project, ++offset));
            q.offerReplay(updated(project, 100 + offset));
        }

        sink.drain();

        assertThat(sink.eventsPerFrame()).hasSize(24).containsOnly(1);
        assertThat(q.stats().batchesSent()).isZero();
    }

    @Test
    void rateLimitedEventsLeaveAsTokensAllowInOffsetOrder() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.defaults(true, false), 3, 10.0), budget);
        for (int i = 0; i < 10; i++) {
            q.offerLive(updated(project, ++offset));
        }
        assertThat(sink.offsets()).hasSize(1);

        sink.advanceMillis(100); // 2 tokens left + 1 refilled: one batch of 3
        assertThat(sink.eventsPerFrame()).containsExactly(1, 3);
        sink.advanceMillis(100);
        assertThat(sink.offsets()).hasSize(5);
        sink.advanceMillis(500);
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(q.healthInputs().violations()).isEqualTo(1);
    }

    @Test
    void aBatchTimeOfZeroBatchesOnlyWhatPilesUp() {
        DeliveryPolicy p = Policies.rateLimit(Policies.defaults(true, false), 0, 0);
        OutboundQueue q = sink.attach(new DeliveryPolicy(true, false, p.batchSize(), 0, p.batchMaxBytes(),
                p.maxQueuedEvents(), p.maxQueuedBytes(), p.maxReplayBytes(), p.compressionThreshold(), 0, 0), budget);
        for (int i = 0; i < 3; i++) {
            assertThat(q.offerLive(updated(project, ++offset))).isEqualTo(Offer.SENT);
        }
        sink.full = true;
        for (int i = 0; i < 3; i++) {
            q.offerLive(updated(project, ++offset));
        }
        sink.drain();

        assertThat(sink.eventsPerFrame()).containsExactly(1, 1, 1, 3);
    }
}
