package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.hub.StreamReset;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-project sequencing of fanned-out events, on a fake clock. */
class SequencerTest {
    private static final Duration GRACE = Duration.ofSeconds(1);
    private final FakeClock clock = new FakeClock();
    private final UUID project = UUID.randomUUID();
    private final Recorder out = new Recorder();
    private final Sequencer seq = new Sequencer(out, clock, 1000, 5, GRACE);

    /** What the sequencer decided, in order. */
    private static final class Recorder implements Sequencer.Output {
        final List<Object> log = new ArrayList<>();
        final List<long[]> fills = new ArrayList<>();
        final List<StreamPosition> forks = new ArrayList<>();

        @Override
        public void deliver(List<StoredEvent> events) {
            log.add(events.stream().map(e -> e.epoch() + ":" + e.offset()).toList());
        }

        @Override
        public void reset(StreamReset reset) {
            log.add(reset.reason() + "@" + reset.position().epoch() + ":" + reset.position().offset());
        }

        @Override
        public void fill(UUID project, String epoch, long after, long through, long generation) {
            fills.add(new long[]{after, through, generation});
            log.add("fill " + epoch + ":" + after + ".." + through);
        }

        @Override
        public void forked(UUID project, StreamPosition delivered) {
            forks.add(delivered);
            log.add("forked after " + delivered.epoch() + ":" + delivered.offset());
        }

        long[] lastFill() {
            return fills.get(fills.size() - 1);
        }
    }

    private StoredEvent event(String epoch, long offset) {
        var data = Json.readTree("{\"project_id\":\"" + project + "\",\"status\":\"completed\"}");
        UUID id = UUID.randomUUID();
        NewEvent e = new NewEvent(EventType.PROJECT_INDEX_UPDATED, id, project, data,
                EventData.view(EventType.PROJECT_INDEX_UPDATED, data), Json.writeBytes(data), id.toString(),
                PersistenceLevel.LONG_TERM, Priority.NORMAL, "h");
        return new StoredEvent(e, Instant.parse("2025-01-15T12:00:00Z"), epoch, offset);
    }

    private void receive(String epoch, long... offsets) {
        for (long o : offsets) {
            seq.onMessage(event(epoch, o));
        }
        seq.flush();
    }

    private List<StoredEvent> events(String epoch, long from, long to) {
        List<StoredEvent> l = new ArrayList<>();
        for (long o = from; o <= to; o++) {
            l.add(event(epoch, o));
        }
        return l;
    }

    @Test
    void consecutiveEventsGoToTheHubInOneBatchAndDuplicatesAreDropped() {
        seq.onPosition(project, new StreamPosition("e1", 0), Sequencer.Source.SUBSCRIBE);
        List<StoredEvent> sent = events("e1", 1, 4);
        sent.subList(0, 3).forEach(seq::onMessage);
        seq.flush();
        sent.subList(1, 4).forEach(seq::onMessage);
        seq.flush();
        assertThat(out.log).containsExactly(List.of("e1:1", "e1:2", "e1:3"), List.of("e1:4"));
        assertThat(seq.counts().duplicates).isEqualTo(2);
    }

    @Test
    void aDeliveredOffsetThatComesBackAsAnotherEventIsReportedAsReusedNotDroppedAsADuplicate() {
        seq.onPosition(project, new StreamPosition("e1", 0), Sequencer.Source.SUBSCRIBE);
        List<StoredEvent> first = events("e1", 1, 5);
        first.forEach(seq::onMessage);
        seq.flush();
        seq.onMessage(first.get(3));
        assertThat(out.forks).as("the same event again is a duplicate").isEmpty();
        seq.onMessage(event("e1", 4));
        assertThat(out.log).containsExactly(List.of("e1:1", "e1:2", "e1:3", "e1:4", "e1:5"), "forked after e1:5");
        assertThat(seq.counts().forks).isEqualTo(1);
        assertThat(seq.counts().duplicates).isEqualTo(1);
    }

    @Test
    void aGapIsFilledFromHistoryBeforeAnythingLaterIsDelivered() {
        seq.onPosition(project, new StreamPosition("e1", 0), Sequencer.Source.SUBSCRIBE);
        receive("e1", 1, 4, 5);
        assertThat(out.log).containsExactly(List.of("e1:1"), "fill e1:1..3");
        receive("e1", 6);
        assertThat(out.log).hasSize(2);

        long[] f = out.lastFill();
        seq.onFilled(project, f[2], events("e1", 2, 3), 3);
        seq.flush();
        assertThat(out.log.get(2)).isEqualTo(List.of("e1:2", "e1:3", "e1:4", "e1:5", "e1:6"));
        receive("e1", 7);
        assertThat(out.log.get(3)).isEqualTo(List.of("e1:7"));
        assertThat(seq.counts().filled).isEqualTo(2);
    }

    @Test
    void aGapHistoryNoLongerHoldsIsReportedAndDeliveryContinuesAfterIt() {
        seq.onPosition(project, new StreamPosition("e1", 10), Sequencer.Source.SUBSCRIBE);
        receive("e1", 11, 15);
        long[] f = out.lastFill();
        assertThat(f[0]).isEqualTo(11);
        assertThat(f[1]).isEqualTo(14);
        // History lost 12 and 13; it still holds 14.
        seq.onFilled(project, f[2], events("e1", 14, 14), 14);
        // (the answer is complete through 14: 12 and 13 are gone)
        seq.flush();
        assertThat(out.log).containsExactly(List.of("e1:11"), "fill e1:11..14", "history_expired@e1:13",
                List.of("e1:14", "e1:15"));
    }

    @Test
    void aNewEpochIsReportedWithThePositionBeforeItsFirstEvent() {
        seq.onPosition(project, new StreamPosition("e1", 0), Sequencer.Source.SUBSCRIBE);
        receive("e1", 1, 2);
        receive("e2", 1, 2);
        assertThat(out.log).containsExactly(List.of("e1:1", "e1:2"), "epoch_changed@e2:0", List.of("e2:1", "e2:2"));
        receive("e2", 5);
        assertThat(out.log.get(3)).isEqualTo("fill e2:2..4");
        seq.onFilled(project, out.lastFill()[2], events("e1", 3, 4), 4);
        seq.flush();
        assertThat(out.log.subList(4, out.log.size())).as("a fill answer from another epoch delivers nothing of it")
                .containsExactly("history_expired@e2:4", List.of("e2:5"));
    }

    @Test
    void aPositionAheadOfWhatArrivedIsFilledOnlyAfterTheGracePeriod() {
        seq.onPosition(project, new StreamPosition("e1", 3), Sequencer.Source.SUBSCRIBE);
        seq.onPosition(project, new StreamPosition("e1", 5), Sequencer.Source.CHECK);
        seq.tick();
        assertThat(out.log).isEmpty();
        receive("e1", 4);
        clock.advance(GRACE);
        seq.tick();
        assertThat(out.log).containsExactly(List.of("e1:4"), "fill e1:4..5");
        seq.onFilled(project, out.lastFill()[2], events("e1", 5, 5), 5);
        seq.flush();
        assertThat(out.log.get(2)).isEqualTo(List.of("e1:5"));

        seq.onPosition(project, new StreamPosition("e1", 6), Sequencer.Source.CHECK);
        receive("e1", 6);
        clock.advance(GRACE);
        seq.tick();
        assertThat(out.log).as("the tail arrived within the grace period: no fill").hasSize(4);
    }

    @Test
    void aFailedFillIsRetriedAfterTheGracePeriodAndItsAnswerStillCounts() {
        seq.onPosition(project, new StreamPosition("e1", 0), Sequencer.Source.SUBSCRIBE);
        receive("e1", 3);
        long[] first = out.lastFill();
        seq.onFillFailed(project, first[2]);
        seq.tick();
        assertThat(out.fills).hasSize(1);
        clock.advance(GRACE);
        seq.tick();
        assertThat(out.fills).hasSize(2);
        seq.onFilled(project, first[2], events("e1", 1, 2), 2);
        seq.flush();
        assertThat(out.log).as("the superseded answer is ignored").hasSize(2);
        seq.onFilled(project, out.lastFill()[2], events("e1", 1, 2), 2);
        seq.flush();
        assertThat(out.log.get(2)).isEqualTo(List.of("e1:1", "e1:2", "e1:3"));
    }

    @Test
    void aBufferThatOverflowsIsDroppedAndEverythingIsFilledFromHistoryInstead() {
        seq.onPosition(project, new StreamPosition("e1", 0), Sequencer.Source.SUBSCRIBE);
        receive("e1", 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(seq.counts().overflows).isEqualTo(1);
        assertThat(out.lastFill()[1]).isEqualTo(1);
        seq.onFilled(project, out.lastFill()[2], events("e1", 1, 1), 1);
        seq.flush();
        assertThat(out.log.get(1)).isEqualTo(List.of("e1:1"));
        // 2..7 were dropped from the buffer, 8 and 9 came after the overflow and wait
        assertThat(out.lastFill()[0]).isEqualTo(1);
        assertThat(out.lastFill()[1]).isEqualTo(7);
        seq.onFilled(project, out.lastFill()[2], events("e1", 2, 5), 5);
        seq.flush();
        assertThat(out.log.get(3)).isEqualTo(List.of("e1:2", "e1:3", "e1:4", "e1:5"));
        assertThat(out.lastFill()[0]).as("one page at a time").isEqualTo(5);
        seq.onFilled(project, out.lastFill()[2], events("e1", 6, 7), 7);
        seq.flush();
        assertThat(out.log.get(5)).isEqualTo(List.of("e1:6", "e1:7", "e1:8", "e1:9"));
    }

    @Test
    void aProjectFirstSeenMidStreamIsReportedToASubscriberPositionedBeforeIt() {
        receive("e1", 9, 10);
        seq.onPosition(project, new StreamPosition("e1", 10), Sequencer.Source.SUBSCRIBE);
        seq.onPosition(project, new StreamPosition("e1", 7), Sequencer.Source.SUBSCRIBE);
        assertThat(out.log).containsExactly(List.of("e1:9", "e1:10"), "history_expired@e1:8");
        seq.onPosition(project, new StreamPosition("e1", 7), Sequencer.Source.SUBSCRIBE);
        assertThat(out.log).hasSize(2);
    }

    @Test
    void checksOfUnknownProjectsAreIgnoredAndAnEpochSeenInACheckIsReportedAtOnce() {
        seq.onPosition(project, new StreamPosition("e1", 4), Sequencer.Source.CHECK);
        assertThat(seq.projects()).isZero();
        seq.onPosition(project, new StreamPosition("e1", 4), Sequencer.Source.SUBSCRIBE);
        seq.onPosition(project, new StreamPosition("e9", 2), Sequencer.Source.CHECK);
        receive("e9", 3);
        assertThat(out.log).containsExactly("epoch_changed@e9:2", List.of("e9:3"));
    }
}
