package io.projectindex.hub.server.stream.jdbc;

import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's queue: bounds, batch sizes, and barriers that wait for earlier marks. */
class WriteQueueTest {

    private static WriteQueue.PendingAppend append(int events) {
        return new WriteQueue.PendingAppend(java.util.Collections.nCopies(events, null), e -> { }, Promise.promise());
    }

    @Test
    void appendsBeyondThePendingLimitAreRefusedAndMarksBeyondItDropped() throws Exception {
        WriteQueue q = new WriteQueue(10, 2);
        assertThat(q.offerAppend(append(6))).isTrue();
        assertThat(q.offerAppend(append(4))).isTrue();
        assertThat(q.offerAppend(append(1))).isFalse();
        assertThat(q.pendingEvents()).isEqualTo(10);
        assertThat(q.offerMark(new WriteQueue.Mark("c", UUID.randomUUID(), false))).isTrue();
        assertThat(q.offerMark(new WriteQueue.Mark("c", UUID.randomUUID(), false))).isTrue();
        assertThat(q.offerMark(new WriteQueue.Mark("c", UUID.randomUUID(), false))).isFalse();

        WriteQueue.Batch b = q.take(8, 0);
        assertThat(b.appends()).hasSize(1);
        assertThat(b.marks()).hasSize(2);
        assertThat(q.pendingEvents()).isEqualTo(4);
        assertThat(q.offerAppend(append(6))).isTrue();
    }

    @Test
    void aSingleAppendLargerThanTheBatchIsStillTakenWhole() throws Exception {
        WriteQueue q = new WriteQueue(10_000, 10);
        q.offerAppend(append(3000));
        q.offerAppend(append(1));
        assertThat(q.take(2000, 0).appends()).extracting(a -> a.events().size()).containsExactly(3000);
        assertThat(q.take(2000, 0).appends()).extracting(a -> a.events().size()).containsExactly(1);
    }

    @Test
    void aBarrierIsTakenOnlyWithTheLastOfTheMarksQueuedBeforeIt() throws Exception {
        WriteQueue q = new WriteQueue(10, WriteQueue.MAX_MARKS_PER_TURN * 2);
        for (int i = 0; i < WriteQueue.MAX_MARKS_PER_TURN + 1; i++) {
            q.offerMark(new WriteQueue.Mark("c", UUID.randomUUID(), false));
        }
        Promise<Void> barrier = Promise.promise();
        q.offerCommand(new WriteQueue.Barrier(barrier));
        Promise<io.projectindex.hub.server.stream.StreamPosition> ensure = Promise.promise();
        q.offerCommand(new WriteQueue.EnsureStream(UUID.randomUUID(), ensure));

        WriteQueue.Batch first = q.take(100, 0);
        assertThat(first.marks()).hasSize(WriteQueue.MAX_MARKS_PER_TURN);
        assertThat(first.commands()).hasSize(1).allMatch(c -> c instanceof WriteQueue.EnsureStream);
        WriteQueue.Batch second = q.take(100, 0);
        assertThat(second.marks()).hasSize(1);
        assertThat(second.commands()).hasSize(1).allMatch(c -> c instanceof WriteQueue.Barrier);
    }

    @Test
    void takeReturnsAnEmptyBatchOnTimeoutAndNullOnceClosedAndDrained() throws Exception {
        WriteQueue q = new WriteQueue(10, 10);
        assertThat(q.take(10, 1).isEmpty()).isTrue();
        q.offerAppend(append(1));
        q.close();
        assertThat(q.offerAppend(append(1))).isFalse();
        assertThat(q.take(10, 0).appends()).hasSize(1);
        assertThat(q.take(10, 0)).isNull();
    }
}
