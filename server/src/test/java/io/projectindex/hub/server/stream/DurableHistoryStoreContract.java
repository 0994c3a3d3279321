package io.projectindex.hub.server.stream;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.PersistenceLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a durable backend promises beyond the common contract: restarts, checksums and bulk cleanup. */
public abstract class DurableHistoryStoreContract extends HistoryStoreContract {

    /** Overwrites the stored {@code data} of one event behind the store's back. */
    protected abstract void corruptData(UUID eventId, String json) throws Exception;

    /** Rows the current store skipped as corrupt. */
    protected abstract long corrupted();

    /** The durable store under test (behind any memory tier). */
    protected DurableHistoryStore durable() {
        return store instanceof TieredHistoryStore t ? t.durable() : (DurableHistoryStore) store;
    }

    protected void reopen() throws Exception {
        await(store.close());
        store = newStore(clock);
    }

    @Test
    void epochOffsetsAndIdsSurviveAReopen() throws Exception {
        UUID p = UUID.randomUUID();
        NewEvent first = progress(p);
        List<AppendResult> before = append(first, progress(p), event(p, EventType.CONTEXT_OPTIMIZED, PersistenceLevel.PERMANENT));
        String epoch = before.get(0).event().epoch();
        UUID empty = UUID.randomUUID();
        StreamPosition emptyBefore = await(store.position(empty));

        reopen();

        assertThat(await(store.position(p))).isEqualTo(new StreamPosition(epoch, 3));
        assertThat(await(store.position(empty))).isEqualTo(emptyBefore);
        ReadResult all = read(ReadRequest.fromStart(p, null, 100));
        assertThat(all.events()).extracting(StoredEvent::id)
                .containsExactlyElementsOf(before.stream().map(r -> r.event().id()).toList());
        assertThat(all.events()).extracting(StoredEvent::epoch).containsOnly(epoch);
        assertThat(all.events().get(2).data()).isEqualTo(before.get(2).event().data());
        assertThat(all.events().get(2).timestamp()).isEqualTo(before.get(2).event().timestamp());

        List<AppendResult> after = append(first, progress(p));
        assertThat(after.get(0).duplicate()).isTrue();
        assertThat(after.get(0).event().offset()).isEqualTo(1);
        assertThat(after.get(1).event().position()).isEqualTo(new StreamPosition(epoch, 4));
    }

    @Test
    void positionedEventsAreStoredOnceAtTheirPositionsAndTheStreamTakesTheirEpoch() throws Exception {
        UUID p = UUID.randomUUID();
        Instant t0 = clock.now();
        List<StoredEvent> first = List.of(new StoredEvent(progress(p), t0, "redis123", 1),
                new StoredEvent(progress(p), t0.plusMillis(3), "redis123", 2),
                new StoredEvent(event(p, EventType.CONTEXT_OPTIMIZED, PersistenceLevel.PERMANENT), t0.plusMillis(5), "redis123", 3));
        assertThat(await(durable().insertPositioned(first))).isEqualTo(new DurableHistoryStore.Inserted(3, List.of()));
        assertThat(announced).isEmpty();
        assertThat(await(durable().head(p))).isEqualTo(new DurableHistoryStore.Head("redis123", 3, t0.plusMillis(5)));

        StoredEvent fourth = new StoredEvent(progress(p), t0.plusMillis(7), "redis123", 4);
        assertThat(await(durable().insertPositioned(List.of(first.get(1), fourth, first.get(2)))).stored()).isEqualTo(1);
        StoredEvent takenPosition = new StoredEvent(progress(p), t0.plusMillis(8), "redis123", 4);
        DurableHistoryStore.Inserted taken = await(durable().insertPositioned(List.of(takenPosition)));
        assertThat(taken.stored()).isZero();
        assertThat(taken.positionTaken()).extracting(StoredEvent::id).containsExactly(takenPosition.id());

        reopen();
        ReadResult all = read(ReadRequest.fromStart(p, null, 100));
        assertThat(offsets(all.events())).containsExactly(1L, 2L, 3L, 4L);
        assertThat(all.events()).extracting(StoredEvent::id).containsExactly(first.get(0).id(), first.get(1).id(),
                first.get(2).id(), fourth.id());
        assertThat(all.events().get(1).timestamp()).isEqualTo(t0.plusMillis(3));
        assertThat(all.head()).isEqualTo(new StreamPosition("redis123", 4));
        assertThat(appendOne(progress(p)).position()).isEqualTo(new StreamPosition("redis123", 5));
        assertThat(append(first.get(0).source()).get(0).duplicate()).isTrue();
    }

    @Test
    void cleanupDeletesMoreThanTwoBatchesOfExpiredRowsAndNothingElse() throws Exception {
        // 2,500 expired rows need three delete batches of at most 1,000 (the last one partial);
        // unexpired rows of every other level sit between them in the same projects.
        int expiredPerProject = 500;
        List<UUID> projects = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID());
        PersistenceLevel[] kept = {PersistenceLevel.SHORT_TERM, PersistenceLevel.MEDIUM_TERM,
                PersistenceLevel.LONG_TERM, PersistenceLevel.PERMANENT};
        Map<UUID, List<StoredEvent>> survivors = new HashMap<>();
        Map<UUID, Long> lastExpired = new HashMap<>();
        int expired = 0;
        for (UUID p : projects) {
            for (int chunk = 0; chunk < 5; chunk++) {
                List<NewEvent> batch = new ArrayList<>();
                for (int i = 0; i < expiredPerProject / 5; i++) {
                    batch.add(event(p, EventType.ANALYSIS_PROGRESS, PersistenceLevel.MEMORY_ONLY));
                    if (i % 25 == 0) {
                        batch.add(event(p, EventType.DEPENDENCY_CHANGED, kept[(chunk + i / 25) % kept.length]));
                    }
                }
                for (AppendResult r : await(store.append(batch, announce))) {
                    if (r.event().persistence() == PersistenceLevel.MEMORY_ONLY) {
                        expired++;
                        lastExpired.put(p, r.event().offset());
                    } else {
                        survivors.computeIfAbsent(p, k -> new ArrayList<>()).add(r.event());
                    }
                }
            }
        }
        assertThat(expired).isEqualTo(2500);
        int survivorCount = survivors.values().stream().mapToInt(List::size).sum();
        assertThat(survivorCount).isEqualTo(5 * 5 * 4);

        assertThat(removed(await(store.cleanup(clock.now().plus(Duration.ofMinutes(59)))))).isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(removed(await(store.cleanup(clock.now())))).isEqualTo(expired);
        assertThat(removed(await(store.cleanup(clock.now())))).as("nothing left for a second pass").isZero();

        for (UUID p : projects) {
            List<StoredEvent> all = readAll(p);
            assertThat(all).extracting(StoredEvent::id)
                    .containsExactlyElementsOf(survivors.get(p).stream().map(StoredEvent::id).toList());
            assertThat(all).extracting(StoredEvent::persistence).doesNotContain(PersistenceLevel.MEMORY_ONLY);
            ReadResult first = read(ReadRequest.fromStart(p, null, 1));
            assertThat(first.removedThrough()).isEqualTo(lastExpired.get(p));
            assertThat(first.head().offset()).isEqualTo(expiredPerProject + 20);
        }
        reopen();
        for (UUID p : projects) {
            assertThat(readAll(p)).extracting(StoredEvent::id)
                    .containsExactlyElementsOf(survivors.get(p).stream().map(StoredEvent::id).toList());
        }
        // The short-term ones go a day later, the rest stays.
        clock.advance(Duration.ofHours(24));
        assertThat(removed(await(store.cleanup(clock.now())))).isEqualTo(5 * 5);
    }

    /** Every event of a project, paging through the store. */
    protected List<StoredEvent> readAll(UUID p) {
        List<StoredEvent> out = new ArrayList<>();
        long after = 0;
        ReadResult page;
        do {
            page = read(ReadRequest.afterOffset(p, after, null, 100));
            out.addAll(page.events());
            after = page.events().isEmpty() ? after : page.events().get(page.events().size() - 1).offset();
        } while (page.hasMore());
        return out;
    }

    @Test
    void theHeadOfAStreamNoOneWroteIsCreatedOnceInANewEpoch() {
        UUID p = UUID.randomUUID();
        DurableHistoryStore.Head head = await(durable().head(p));
        assertThat(head.top()).isZero();
        assertThat(head.lastTimestamp()).isNull();
        assertThat(await(durable().head(p))).isEqualTo(head);
        assertThat(await(store.position(p))).isEqualTo(head.position());
    }

    @Test
    void aRowWhoseDataNoLongerMatchesItsChecksumIsSkippedCountedAndNeverDelivered() throws Exception {
        UUID p = UUID.randomUUID();
        List<AppendResult> stored = append(progress(p), progress(p), progress(p));
        UUID tampered = stored.get(1).event().id();
        reopen();
        corruptData(tampered, "{\"project_id\":\"" + p + "\",\"session_id\":\"" + UUID.randomUUID()
                + "\",\"progress_percentage\":99}");

        ReadResult r = read(ReadRequest.fromStart(p, null, 100));
        assertThat(offsets(r.events())).containsExactly(1L, 3L);
        assertThat(r.events()).extracting(StoredEvent::id).doesNotContain(tampered);
        assertThat(corrupted()).isEqualTo(1);
        assertThat(r.completeAfter(1)).isFalse();
        assertThat(r.completeAfter(2)).isTrue();
        assertThat(offsets(read(ReadRequest.afterOffset(p, 2, null, 100)).events())).containsExactly(3L);
    }
}
