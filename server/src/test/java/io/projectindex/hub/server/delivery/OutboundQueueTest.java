package io.projectindex.hub.server.delivery;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.server.delivery.OutboundQueue.Offer;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.projectindex.hub.server.delivery.DeliveryEvents.updated;
import static io.projectindex.hub.server.delivery.DeliveryEvents.withPriority;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Ordering, backpressure, bounds and health of the outbound queue, without batching. */
class OutboundQueueTest {
    private final FakeClock clock = new FakeClock();
    private final QueueBudget budget = new QueueBudget(10_000);
    private final FakeSink sink = new FakeSink(clock);
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();
    private final UUID c = UUID.randomUUID();

    @Test
    void anIdleConnectionGetsEveryEventAtOnceAsItsOwnTextFrame() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);

        assertThat(q.offerLive(updated(a, 1))).isEqualTo(Offer.SENT);
        assertThat(q.offerLive(updated(a, 2))).isEqualTo(Offer.SENT);
        assertThat(q.offerLive(updated(b, 1))).isEqualTo(Offer.SENT);

        assertThat(sink.written).allSatisfy(f -> {
            assertThat(f.binary()).isFalse();
            assertThat(f.events()).isEqualTo(1);
        });
        assertThat(sink.offsets()).containsExactly(1L, 2L, 1L);
        assertThat(sink.timerRequests + sink.drainRequests).isZero();
        assertThat(budget.used()).as("events written at once never take budget").isZero();
        assertThat(q.stats().eventsSent()).isEqualTo(3);
    }

    @Test
    void eventsWaitWhileTheSocketIsFullAndFollowItsDrainInOrder() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        sink.full = true;

        for (long offset = 1; offset <= 5; offset++) {
            assertThat(q.offerLive(updated(a, offset))).isEqualTo(Offer.QUEUED);
        }
        assertThat(sink.written).isEmpty();
        assertThat(sink.drainRequests).isEqualTo(1);
        assertThat(q.queuedLiveEvents()).isEqualTo(5);
        assertThat(budget.used()).isEqualTo(5);

        sink.drain();

        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(q.queuedLiveEvents()).isZero();
        assertThat(budget.used()).isZero();
    }

    @Test
    void aSocketThatFillsAgainMidwayStopsTheFlushUntilTheNextDrain() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        sink.full = true;
        for (long offset = 1; offset <= 4; offset++) {
            q.offerLive(updated(a, offset));
        }
        sink.fullAfterWrites = 2;

        sink.drain();
        assertThat(sink.offsets()).containsExactly(1L, 2L);
        assertThat(sink.drainRequests).isEqualTo(2);

        sink.drain();
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void waitingEventsLeaveByPriorityWhileEachProjectKeepsOffsetOrder() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        sink.full = true;
        List<StoredEvent> offered = List.of(
                withPriority(a, EventType.ANALYSIS_PROGRESS, null, 1),        // A1 normal
                withPriority(a, EventType.PROJECT_INDEX_UPDATED, null, 2),    // A2 high, behind A1
                withPriority(b, EventType.DEPENDENCY_CHANGED, null, 1),       // B1 high
                withPriority(c, EventType.CONTEXT_OPTIMIZED, null, 1),        // C1 normal
                withPriority(c, EventType.CONTEXT_OPTIMIZED, Priority.CRITICAL, 2), // C2 critical, behind C1
                withPriority(b, EventType.PROJECT_INDEX_UPDATED, Priority.LOW, 2)); // B2 low
        offered.forEach(q::offerLive);

        sink.drain();

        List<String> order = new ArrayList<>();
        sink.frames().forEach(f -> order.add(project(f.get("data").get("project_id").textValue()) + f.get("offset")));
        assertThat(order).containsExactly("B1", "A1", "A2", "C1", "C2", "B2");
    }

    @Test
    void aCriticalEventOvertakesWaitingHighAndNormalEventsOfOtherProjects() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        sink.full = true;
        q.offerLive(withPriority(a, EventType.ANALYSIS_PROGRESS, null, 1));
        q.offerLive(withPriority(b, EventType.PROJECT_INDEX_UPDATED, null, 1));
        q.offerLive(withPriority(c, EventType.ANALYSIS_PROGRESS, Priority.CRITICAL, 1));
        q.offerLive(withPriority(a, EventType.ANALYSIS_PROGRESS, null, 2));

        sink.drain();

        List<String> order = new ArrayList<>();
        sink.frames().forEach(f -> order.add(project(f.get("data").get("project_id").textValue()) + f.get("offset")));
        assertThat(order).containsExactly("C1", "B1", "A1", "A2");
    }

    @Test
    void repliesAndReplayedEventsAreNotMeteredAndKeepTheirOwnOrder() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.plain(), 1, 10.0), budget);

        assertThat(q.offerLive(updated(a, 1))).isEqualTo(Offer.SENT);
        assertThat(q.offerLive(updated(a, 2))).isEqualTo(Offer.RATE_LIMITED);
        assertThat(q.offerControl(control("subscription_ack"))).as("a reply does not wait for tokens")
                .isEqualTo(Offer.SENT);
        assertThat(q.offerReplay(updated(b, 7))).isEqualTo(Offer.SENT);
        assertThat(q.offerReplay(updated(b, 8))).isEqualTo(Offer.SENT);
        assertThat(q.offerControl(control("replay_complete"))).isEqualTo(Offer.SENT);

        assertThat(sink.types()).containsExactly("project_index_updated", "subscription_ack", "project_index_updated",
                "project_index_updated", "replay_complete");
        assertThat(sink.frames().get(2).get("replay").asBoolean()).isTrue();
        assertThat(q.queuedLiveEvents()).isEqualTo(1);

        sink.advanceMillis(100);
        assertThat(sink.offsets()).containsExactly(1L, 7L, 8L, 2L);
        assertThat(sink.frames().get(5).has("replay")).as("live events carry no replay flag").isFalse();
    }

    @Test
    void behindAFullSocketRepliesReplayAndLiveEventsLeaveInTheProtocolsOrder() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        sink.full = true;

        q.offerControl(control("subscription_ack"));
        q.offerReplay(updated(a, 41));
        q.offerReplay(updated(a, 42));
        q.offerLive(updated(a, 43));
        q.offerControl(control("pong"));
        q.offerReplay(updated(b, 5));
        q.offerControl(control("replay_complete"));
        assertThat(sink.written).isEmpty();
        assertThat(q.queuedReplayEvents()).isEqualTo(3);

        sink.drain();

        // replies and replayed events in offer order, then the live event
        assertThat(sink.types()).containsExactly("subscription_ack", "project_index_updated",
                "project_index_updated", "pong", "project_index_updated", "replay_complete", "project_index_updated");
        assertThat(sink.offsets()).containsExactly(41L, 42L, 5L, 43L);
        assertThat(q.stats().controlSent()).isEqualTo(3);
        assertThat(q.stats().replaySent()).isEqualTo(3);
        assertThat(q.stats().eventsSent()).isEqualTo(1);
    }

    @Test
    void waitingEventsOfARemovedSubscriptionAreWithdrawnSoNoneFollowsTheUnsubscribeAck() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.plain(), 1, 10.0), budget);
        q.offerLive(updated(a, 1)); // sent
        q.offerLive(updated(a, 2));
        q.offerLive(updated(b, 1));
        q.offerLive(updated(a, 3));
        assertThat(budget.used()).isEqualTo(3);

        // the client unsubscribes from project A: the connection withdraws, then acks
        assertThat(q.withdrawLive(e -> e.projectId().equals(a))).isEqualTo(2);
        q.offerControl(control("subscription_ack"));
        sink.advanceMillis(1_000);

        assertThat(sink.types()).containsExactly("project_index_updated", "subscription_ack", "project_index_updated");
        assertThat(sink.frames().get(2).get("data").get("project_id").textValue()).isEqualTo(b.toString());
        assertThat(q.stats().withdrawn()).isEqualTo(2);
        assertThat(budget.used()).isZero();
    }

    @Test
    void tooManyWaitingEventsCloseTheQueueAndAskOnceForClose4008() {
        OutboundQueue q = sink.attach(Policies.bounds(Policies.plain(), 5, 1 << 20, 1 << 20), budget);
        sink.full = true;
        for (long offset = 1; offset <= 5; offset++) {
            assertThat(q.offerLive(updated(a, offset))).isEqualTo(Offer.QUEUED);
        }

        assertThat(q.offerLive(updated(a, 6))).isEqualTo(Offer.OVERFLOW);

        assertThat(sink.slowConsumerCalls).isEqualTo(1);
        assertThat(sink.slowConsumer).startsWith("outbound queue full: 5 live events").contains("limits 5 events");
        assertThat(q.closed()).isTrue();
        assertThat(q.overflowed()).isTrue();
        assertThat(budget.used()).as("the closed queue returned its budget").isZero();
        assertThat(q.offerLive(updated(a, 7))).isEqualTo(Offer.CLOSED);
        assertThat(q.offerControl(control("pong"))).isEqualTo(Offer.CLOSED);
        sink.drain();
        assertThat(sink.written).as("nothing is written after the overflow").isEmpty();
        assertThat(sink.slowConsumerCalls).isEqualTo(1);
    }

    @Test
    void tooManyWaitingBytesAlsoOverflowButALoneLargeEventMayWait() {
        StoredEvent big = DeliveryEvents.sized(a, 3000, 1);
        OutboundQueue q = sink.attach(Policies.bounds(Policies.plain(), 1000, 2000, 1 << 20), budget);
        sink.full = true;

        assertThat(q.offerLive(big)).as("alone, over the byte bound").isEqualTo(Offer.QUEUED);
        assertThat(q.offerLive(updated(a, 2))).isEqualTo(Offer.OVERFLOW);
        assertThat(sink.slowConsumer).contains("3000 bytes waiting").contains("2000 bytes");
    }

    @Test
    void repliesAndReplayHaveTheirOwnByteBound() {
        OutboundQueue q = sink.attach(Policies.bounds(Policies.plain(), 1, 1, 1500), budget);
        sink.full = true;

        assertThat(q.offerReplay(DeliveryEvents.sized(a, 1000, 1))).isEqualTo(Offer.QUEUED);
        assertThat(q.offerControl(new byte[400])).isEqualTo(Offer.QUEUED);
        assertThat(q.offerReplay(DeliveryEvents.sized(a, 1000, 2))).isEqualTo(Offer.OVERFLOW);
        assertThat(sink.slowConsumer).startsWith("reply and replay queue full").contains("limit 1500 bytes");
    }

    @Test
    void theNodeWideBudgetBoundsWaitingEventsAcrossConnections() {
        QueueBudget small = new QueueBudget(10);
        FakeSink s1 = new FakeSink(clock);
        FakeSink s2 = new FakeSink(clock);
        FakeSink s3 = new FakeSink(clock);
        OutboundQueue q1 = s1.attach(Policies.plain(), small);
        OutboundQueue q2 = s2.attach(Policies.plain(), small);
        OutboundQueue q3 = s3.attach(Policies.plain(), small);
        s1.full = true;
        s2.full = true;
        s3.full = true;
        for (long i = 1; i <= 4; i++) {
            assertThat(q1.offerLive(updated(a, i))).isEqualTo(Offer.QUEUED);
            assertThat(q2.offerLive(updated(a, i))).isEqualTo(Offer.QUEUED);
        }
        assertThat(q3.offerLive(updated(a, 1))).isEqualTo(Offer.QUEUED);
        assertThat(q3.offerLive(updated(a, 2))).isEqualTo(Offer.QUEUED);
        assertThat(small.used()).isEqualTo(10);

        assertThat(q3.offerLive(updated(a, 3))).isEqualTo(Offer.OVERFLOW);
        assertThat(s3.slowConsumer).startsWith("node-wide outbound budget exhausted (10 events");
        assertThat(small.used()).isEqualTo(8);
        assertThat(small.refused()).isEqualTo(1);

        s1.drain();
        assertThat(small.used()).isEqualTo(4);
        assertThat(q2.offerLive(updated(a, 5))).isEqualTo(Offer.QUEUED);
        assertThat(small.used()).isEqualTo(5);
        assertThat(q1.offerLive(updated(a, 5))).as("a writable connection needs no budget").isEqualTo(Offer.SENT);
        q2.close();
        assertThat(small.used()).isZero();
    }

    @Test
    void writeLatencyFailuresAndViolationsFeedTheHealthScore() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.plain(), 1, 1.0), budget);
        sink.completeWrites = false;
        assertThat(q.health()).isEqualTo(1.0);

        q.offerLive(updated(a, 1));
        OutboundFrame first = sink.written.get(0);
        clock.advanceMillis(200);
        q.onWritten(first, true);
        assertThat(q.health()).isCloseTo(0.9, within(1e-9));
        assertThat(q.healthInputs().averageLatencyMillis()).isEqualTo(200.0);

        q.offerLive(updated(a, 2)); // over the limit: a violation, waits for a token
        assertThat(q.healthInputs().violations()).isEqualTo(1);
        assertThat(q.health()).isCloseTo(0.9 * 0.9, within(1e-9));
        sink.advanceMillis(1000);
        OutboundFrame second = sink.written.get(1);
        q.onWritten(second, false);
        assertThat(q.healthInputs().failed()).isEqualTo(1);
        assertThat(q.health()).isCloseTo(0.5 * 0.9 * 0.9, within(1e-9));
    }

    @Test
    void timersAreRequestedForTheNextTokenNotPolled() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.plain(), 2, 4.0), budget);
        for (long offset = 1; offset <= 6; offset++) {
            q.offerLive(updated(a, offset));
        }
        assertThat(sink.offsets()).containsExactly(1L, 2L);
        assertThat(sink.timerRequests).as("one timer for the waiting events, not one per event").isEqualTo(1);
        assertThat(sink.timerDeadlines).containsExactly(clock.nanoTime() + 250 * Policies.MS);

        sink.advanceMillis(250);
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L);
        sink.advanceMillis(750);
        assertThat(sink.offsets()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(sink.timerRequests).isEqualTo(4);
        assertThat(sink.timerDeadlines).isEmpty();
        assertThat(q.rateLimited()).isFalse();
    }

    @Test
    void aStaleTimerFiringEarlyCostsOneFlushAndLosesNothing() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.plain(), 1, 10.0), budget);
        q.offerLive(updated(a, 1));
        q.offerLive(updated(a, 2));
        assertThat(sink.timerRequests).isEqualTo(1);

        q.onTimer(); // fires before the token is due
        assertThat(sink.offsets()).containsExactly(1L);
        assertThat(sink.timerRequests).as("the needed timer is requested again").isEqualTo(2);

        sink.advanceMillis(100);
        assertThat(sink.offsets()).containsExactly(1L, 2L);
    }

    private String project(String id) {
        return id.equals(a.toString()) ? "A" : id.equals(b.toString()) ? "B" : "C";
    }

    private static byte[] control(String type) {
        return ("{\"type\":\"" + type + "\",\"data\":{},\"timestamp\":\"2025-01-15T12:00:00.000Z\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
