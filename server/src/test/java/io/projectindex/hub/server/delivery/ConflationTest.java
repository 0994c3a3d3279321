package io.projectindex.hub.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.delivery.OutboundQueue.Offer;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.projectindex.hub.server.delivery.DeliveryEvents.progress;
import static io.projectindex.hub.server.delivery.DeliveryEvents.updated;
import static org.assertj.core.api.Assertions.assertThat;

/** Over the outbound rate limit, waiting analysis_progress events of a session collapse to the latest. */
class ConflationTest {
    private final FakeClock clock = new FakeClock();
    private final QueueBudget budget = new QueueBudget(10_000);
    private final FakeSink sink = new FakeSink(clock);
    private final UUID project = UUID.randomUUID();
    private final UUID session = UUID.randomUUID();
    private long offset;

    /** One token, refilled once a second: everything after the first event waits. */
    private OutboundQueue oneTokenPerSecond() {
        return sink.attach(Policies.rateLimit(Policies.plain(), 1, 1.0), budget);
    }

    @Test
    void waitingProgressOfOneSessionCollapsesToTheLatest() {
        OutboundQueue q = oneTokenPerSecond();
        assertThat(q.offerLive(progress(project, session, 10, 0, ++offset))).isEqualTo(Offer.SENT);
        assertThat(q.offerLive(progress(project, session, 11, 0, ++offset))).isEqualTo(Offer.RATE_LIMITED);
        for (int p = 12; p <= 20; p++) {
            assertThat(q.offerLive(progress(project, session, p, 0, ++offset))).isEqualTo(Offer.CONFLATED);
        }
        assertThat(q.queuedLiveEvents()).isEqualTo(1);
        assertThat(budget.used()).isEqualTo(1);

        sink.advanceMillis(1000);

        assertThat(percentages()).containsExactly(10.0, 20.0);
        assertThat(q.stats().conflated()).isEqualTo(9);
        assertThat(q.healthInputs().violations()).isEqualTo(1);
        assertThat(q.stats().rateLimitedEvents()).isEqualTo(9);
    }

    @Test
    void milestonesAndEventsReportingNewErrorsAreNeverConflatedAway() {
        OutboundQueue q = oneTokenPerSecond();
        double[][] offered = {
                {10, 0}, // sent at once
                {20, 0}, // replaced by 25
                {25, 0}, // milestone
                {30, 0}, // replaced by 40
                {40, 1}, // new error
                {45, 1}, // replaced by 50 (no new error)
                {50, 1}, // milestone
                {60, 1}, // replaced by 70
                {70, 1}, // the latest
        };
        for (double[] e : offered) {
            q.offerLive(progress(project, session, e[0], (long) e[1], ++offset));
        }

        sink.advanceMillis(10_000);

        assertThat(percentages()).containsExactly(10.0, 25.0, 40.0, 50.0, 70.0);
        assertThat(sink.offsets()).isSorted();
        assertThat(q.stats().conflated()).isEqualTo(4);
    }

    @Test
    void milestone100AndAnErrorCountThatRisesAgainSurvive() {
        OutboundQueue q = oneTokenPerSecond();
        q.offerLive(progress(project, session, 90, 2, ++offset)); // sent
        q.offerLive(progress(project, session, 95, 2, ++offset)); // replaced
        q.offerLive(progress(project, session, 97, 3, ++offset)); // errors 2 -> 3
        q.offerLive(progress(project, session, 98, 3, ++offset)); // replaced
        q.offerLive(progress(project, session, 100, 3, ++offset)); // milestone

        sink.advanceMillis(10_000);

        assertThat(percentages()).containsExactly(90.0, 97.0, 100.0);
    }

    @Test
    void whenTheSessionsPreviousEventIsNotKnownAnyErrorsCountAsNewSoTheEventIsKept() {
        OutboundQueue q = oneTokenPerSecond();
        UUID other = UUID.randomUUID();
        q.offerLive(progress(project, session, 10, 2, ++offset)); // sent: the queue remembers errors=2 for it
        q.offerLive(progress(project, other, 10, 2, ++offset));   // waits; other's previous is unknown: kept
        q.offerLive(progress(project, session, 20, 2, ++offset)); // waits; not new for session
        q.offerLive(progress(project, other, 20, 2, ++offset));   // waits; 2 is not above 2
        q.offerLive(progress(project, session, 30, 2, ++offset)); // replaces session 20

        sink.advanceMillis(10_000);

        assertThat(sink.offsets()).containsExactly(1L, 2L, 4L, 5L);
        assertThat(q.stats().conflated()).isEqualTo(1);
    }

    @Test
    void otherSessionsAndOtherEventTypesAreNeverConflated() {
        OutboundQueue q = oneTokenPerSecond();
        UUID other = UUID.randomUUID();
        q.offerLive(updated(project, ++offset)); // sent
        for (int p = 1; p <= 5; p++) {
            q.offerLive(progress(project, session, p, 0, ++offset));
            q.offerLive(progress(project, other, p, 0, ++offset));
            q.offerLive(updated(project, ++offset));
        }

        sink.advanceMillis(60_000);

        List<String> delivered = new ArrayList<>();
        for (JsonNode f : sink.frames()) {
            JsonNode d = f.get("data");
            delivered.add(d.has("session_id")
                    ? (d.get("session_id").textValue().equals(session.toString()) ? "s" : "o") + d.get("progress_percentage")
                    : "u");
        }
        assertThat(delivered).containsExactly("u", "u", "u", "u", "u", "s5", "o5", "u");
        assertThat(sink.offsets()).as("offset order within the project").isSorted();
        assertThat(q.stats().conflated()).isEqualTo(8);
    }

    @Test
    void withoutARateLimitNothingIsConflatedEvenBehindAFullSocket() {
        OutboundQueue q = sink.attach(Policies.plain(), budget);
        sink.full = true;
        for (int p = 1; p <= 20; p++) {
            assertThat(q.offerLive(progress(project, session, p, 0, ++offset))).isEqualTo(Offer.QUEUED);
        }

        sink.drain();

        assertThat(percentages()).hasSize(20);
        assertThat(q.stats().conflated()).isZero();
    }

    @Test
    void eventsThatWaitedOnlyForTheSocketAreNotConflatedUntilTheBucketRunsDry() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.plain(), 100, 10.0), budget);
        sink.full = true;
        for (int p = 1; p <= 20; p++) {
            q.offerLive(progress(project, session, p, 0, ++offset));
        }

        sink.drain();

        assertThat(percentages()).hasSize(20);
        assertThat(q.stats().conflated()).isZero();
        assertThat(q.healthInputs().violations()).isZero();
    }

    @Test
    void aLongThrottledRunHoldsOneEventPerSessionAndNoGrowingBacklog() {
        OutboundQueue q = oneTokenPerSecond();
        q.offerLive(progress(project, session, 1, 0, ++offset));
        for (int i = 0; i < 2_000; i++) {
            q.offerLive(progress(project, session, 1 + (i % 20), 0, ++offset));
        }

        assertThat(q.queuedLiveEvents()).isEqualTo(1);
        assertThat(q.queuedLiveBytes()).isLessThan(1000);
        assertThat(budget.used()).isEqualTo(1);
        assertThat(q.stats().conflated()).isEqualTo(1_999);
    }

    @Test
    void violationsAreCountedOncePerEpisodeOfWaitingForTokens() {
        OutboundQueue q = sink.attach(Policies.rateLimit(Policies.plain(), 2, 10.0), budget);
        for (int i = 0; i < 5; i++) {
            q.offerLive(updated(project, ++offset));
        }
        assertThat(q.healthInputs().violations()).isEqualTo(1);
        assertThat(q.rateLimited()).isTrue();

        sink.advanceMillis(1_000);
        assertThat(q.rateLimited()).as("caught up").isFalse();
        assertThat(sink.offsets()).hasSize(5);

        for (int i = 0; i < 15; i++) {
            q.offerLive(updated(project, ++offset));
        }
        assertThat(q.healthInputs().violations()).isEqualTo(2);
        sink.advanceMillis(10_000);
        assertThat(sink.offsets()).hasSize(20).isSorted();
    }

    @Test
    void theLaneIsCompactedWhenTombstonesPileUpBehindAStuckHead() {
        LiveLanes lanes = new LiveLanes();
        lanes.add(updated(project, ++offset), new byte[10], 0, -1); // stays at the head
        for (int i = 0; i < 2_000; i++) {
            var e = progress(project, session, 1 + (i % 20), 0, ++offset);
            lanes.conflate(e);
            lanes.add(e, e.frame(false), 0, -1);
        }

        assertThat(lanes.size()).isEqualTo(2);
        assertThat(lanes.storedEntries()).as("tombstones are compacted away").isLessThan(100);
        assertThat(lanes.sessionCount()).isEqualTo(1);
        lanes.poll();
        lanes.poll();
        assertThat(lanes.isEmpty()).isTrue();
        assertThat(lanes.sessionCount()).as("session state goes with its last waiting event").isZero();
        assertThat(lanes.laneCount()).isZero();
    }

    private List<Double> percentages() {
        List<Double> out = new ArrayList<>();
        for (JsonNode f : sink.frames()) {
            out.add(f.get("data").get("progress_percentage").asDouble());
        }
        return out;
    }
}
