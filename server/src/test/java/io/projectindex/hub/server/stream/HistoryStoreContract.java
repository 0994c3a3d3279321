package io.projectindex.hub.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.FakeClock;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one contract of {@link HistoryStore}, run against every backend by a subclass per backend.
 * Subclasses make a store on the given fake clock and say which cleanup count is authoritative.
 */
public abstract class HistoryStoreContract {
    protected FakeClock clock;
    protected HistoryStore store;
    protected final List<StoredEvent> announced = new CopyOnWriteArrayList<>();
    protected final Consumer<List<StoredEvent>> announce = announced::addAll;

    /** A new store on {@code clock}, backed by this test's storage. */
    protected abstract HistoryStore newStore(FakeClock clock) throws Exception;

    /** The number of events the backend's authoritative tier removed. */
    protected abstract long removed(CleanupResult r);

    @BeforeEach
    void open() throws Exception {
        clock = new FakeClock();
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            await(store.close());
            store = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }

    private io.projectindex.hub.server.testing.PostgresDatabase database;

    /**
     * A PostgreSQL database of this test's own, created on first use and dropped after the test
     * (cleanup and counts are global to a database, so tests must not share one).
     */
    protected io.projectindex.hub.server.testing.PostgresDatabase database() {
        if (database == null) {
            database = io.projectindex.hub.server.testing.PostgresDatabase.create();
        }
        return database;
    }

    // ---------------------------------------------------------------- helpers

    protected static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected static NewEvent event(UUID project, EventType type, PersistenceLevel persistence) {
        return event(UUID.randomUUID(), project, type, persistence);
    }

    protected static NewEvent event(UUID id, UUID project, EventType type, PersistenceLevel persistence) {
        String body = switch (type) {
            case PROJECT_INDEX_UPDATED -> Events.updated(project);
            case ANALYSIS_PROGRESS -> Events.progress(project, UUID.randomUUID(), 40);
            case DEPENDENCY_CHANGED -> Events.dependency(project, "src/" + id + ".py");
            case CONTEXT_OPTIMIZED -> Events.context(project);
        };
        return event(id, project, type, Json.readTree(body).get("data"), persistence);
    }

    protected static NewEvent event(UUID id, UUID project, EventType type, JsonNode data, PersistenceLevel persistence) {
        String correlation = id.toString();
        return new NewEvent(type, id, project, data, EventData.view(type, data), Json.writeBytes(data), correlation,
                persistence, type.defaultPriority(), ContentHash.ofContent(type, data, correlation, persistence));
    }

    protected static NewEvent progress(UUID project) {
        return event(project, EventType.ANALYSIS_PROGRESS, PersistenceLevel.SHORT_TERM);
    }

    protected List<AppendResult> append(NewEvent... events) {
        return await(store.append(List.of(events), announce));
    }

    protected StoredEvent appendOne(NewEvent e) {
        return append(e).get(0).event();
    }

    protected ReadResult read(ReadRequest r) {
        return await(store.read(r));
    }

    protected static List<Long> offsets(List<StoredEvent> events) {
        return events.stream().map(StoredEvent::offset).toList();
    }

    // ---------------------------------------------------------------- positions and reads

    @Test
    void appendAssignsContiguousOffsetsPerProjectAndReadsThemBackOldestFirst() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        List<AppendResult> first = append(progress(a), progress(b), event(a, EventType.PROJECT_INDEX_UPDATED,
                PersistenceLevel.LONG_TERM));
        List<AppendResult> second = append(event(a, EventType.DEPENDENCY_CHANGED, PersistenceLevel.MEDIUM_TERM), progress(b));

        assertThat(first).extracting(r -> r.event().offset()).containsExactly(1L, 1L, 2L);
        assertThat(second).extracting(r -> r.event().offset()).containsExactly(3L, 2L);
        assertThat(first).noneMatch(AppendResult::duplicate);
        String epochA = first.get(0).event().epoch();
        assertThat(first.get(2).event().epoch()).isEqualTo(epochA);
        assertThat(second.get(0).event().epoch()).isEqualTo(epochA);

        ReadResult all = read(ReadRequest.fromStart(a, null, 100));
        assertThat(offsets(all.events())).containsExactly(1L, 2L, 3L);
        assertThat(all.events()).extracting(StoredEvent::type).containsExactly(EventType.ANALYSIS_PROGRESS,
                EventType.PROJECT_INDEX_UPDATED, EventType.DEPENDENCY_CHANGED);
        assertThat(all.head()).isEqualTo(new StreamPosition(epochA, 3));
        assertThat(all.hasMore()).isFalse();
        assertThat(all.removedThrough()).isZero();

        StoredEvent stored = all.events().get(1);
        NewEvent original = first.get(2).event().source();
        assertThat(stored.id()).isEqualTo(original.id());
        assertThat(stored.projectId()).isEqualTo(a);
        assertThat(stored.data()).isEqualTo(original.data());
        assertThat(stored.correlationId()).isEqualTo(original.correlationId());
        assertThat(stored.persistence()).isEqualTo(PersistenceLevel.LONG_TERM);
        assertThat(stored.priority()).isEqualTo(original.priority());
        assertThat(stored.contentHash()).isEqualTo(original.contentHash());
        assertThat(stored.timestamp()).isEqualTo(clock.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(Json.readTree(stored.frame(true)).path("data")).isEqualTo(original.data());

        assertThat(offsets(read(ReadRequest.afterOffset(a, 1, null, 100)).events())).containsExactly(2L, 3L);
        assertThat(offsets(read(ReadRequest.afterOffset(a, 3, null, 100)).events())).isEmpty();
        assertThat(offsets(read(ReadRequest.fromStart(a, Set.of(EventType.DEPENDENCY_CHANGED), 100)).events()))
                .containsExactly(3L);
        assertThat(offsets(read(ReadRequest.fromStart(b, null, 100)).events())).containsExactly(1L, 2L);
    }

    @Test
    void readByTimeReturnsOnlyEventsStrictlyAfterTheInstant() {
        UUID p = UUID.randomUUID();
        StoredEvent e1 = appendOne(progress(p));
        clock.advanceMillis(10);
        StoredEvent e2 = appendOne(progress(p));
        StoredEvent e3 = appendOne(progress(p));
        clock.advanceMillis(10);
        StoredEvent e4 = appendOne(progress(p));

        assertThat(e2.timestamp()).isEqualTo(e3.timestamp());
        assertThat(offsets(read(ReadRequest.afterTime(p, e1.timestamp(), null, 100)).events())).containsExactly(2L, 3L, 4L);
        assertThat(offsets(read(ReadRequest.afterTime(p, e2.timestamp(), null, 100)).events())).containsExactly(4L);
        assertThat(offsets(read(ReadRequest.afterTime(p, e4.timestamp(), null, 100)).events())).isEmpty();
        assertThat(offsets(read(ReadRequest.afterTime(p, e1.timestamp().minusMillis(1), null, 2)).events()))
                .containsExactly(1L, 2L);
    }

    @Test
    void timestampsNeverGoBackwardsWithinAProjectWhenTheClockDoes() {
        UUID p = UUID.randomUUID();
        StoredEvent first = appendOne(progress(p));
        clock.advance(Duration.ofSeconds(-5));
        StoredEvent second = appendOne(progress(p));
        assertThat(second.timestamp()).isEqualTo(first.timestamp());
        assertThat(second.offset()).isEqualTo(2);
    }

    @Test
    void pagingReportsHasMoreAndContinuesFromTheLastOffsetReturned() {
        UUID p = UUID.randomUUID();
        for (int i = 0; i < 7; i++) {
            append(i % 2 == 0 ? progress(p) : event(p, EventType.DEPENDENCY_CHANGED, PersistenceLevel.MEDIUM_TERM));
        }
        ReadResult page1 = read(ReadRequest.afterOffset(p, 0, null, 3));
        assertThat(offsets(page1.events())).containsExactly(1L, 2L, 3L);
        assertThat(page1.hasMore()).isTrue();
        ReadResult page2 = read(ReadRequest.afterOffset(p, 3, null, 3));
        assertThat(offsets(page2.events())).containsExactly(4L, 5L, 6L);
        assertThat(page2.hasMore()).isTrue();
        ReadResult page3 = read(ReadRequest.afterOffset(p, 6, null, 3));
        assertThat(offsets(page3.events())).containsExactly(7L);
        assertThat(page3.hasMore()).isFalse();

        ReadResult exact = read(ReadRequest.afterOffset(p, 4, null, 3));
        assertThat(offsets(exact.events())).containsExactly(5L, 6L, 7L);
        assertThat(exact.hasMore()).isFalse();

        Set<EventType> progressOnly = Set.of(EventType.ANALYSIS_PROGRESS);
        ReadResult typed = read(ReadRequest.fromStart(p, progressOnly, 2));
        assertThat(offsets(typed.events())).containsExactly(1L, 3L);
        assertThat(typed.hasMore()).isTrue();
        ReadResult typed2 = read(ReadRequest.afterOffset(p, 3, progressOnly, 2));
        assertThat(offsets(typed2.events())).containsExactly(5L, 7L);
        assertThat(typed2.hasMore()).isFalse();
    }

    @Test
    void positionOfANewProjectIsOffsetZeroInAStableEpoch() {
        UUID p = UUID.randomUUID();
        StreamPosition before = await(store.position(p));
        assertThat(before.offset()).isZero();
        assertThat(before.epoch()).isNotBlank();
        assertThat(await(store.position(p))).isEqualTo(before);
        ReadResult empty = read(ReadRequest.fromStart(p, null, 10));
        assertThat(empty.events()).isEmpty();
        assertThat(empty.head()).isEqualTo(before);
        StoredEvent e = appendOne(progress(p));
        assertThat(e.position()).isEqualTo(new StreamPosition(before.epoch(), 1));
        assertThat(await(store.position(p))).isEqualTo(e.position());
    }

    // ---------------------------------------------------------------- retention

    @Test
    void cleanupRemovesEachEventWhenItsPersistenceLevelExpiresAndMarksTheGap() {
        UUID p = UUID.randomUUID();
        StoredEvent memoryOnly = appendOne(event(p, EventType.ANALYSIS_PROGRESS, PersistenceLevel.MEMORY_ONLY));
        StoredEvent shortTerm = appendOne(event(p, EventType.ANALYSIS_PROGRESS, PersistenceLevel.SHORT_TERM));
        StoredEvent permanent = appendOne(event(p, EventType.PROJECT_INDEX_UPDATED, PersistenceLevel.PERMANENT));
        clock.advanceMillis(5);
        StoredEvent mediumTerm = appendOne(event(p, EventType.DEPENDENCY_CHANGED, PersistenceLevel.MEDIUM_TERM));
        assertThat(memoryOnly.expiresAt()).isEqualTo(memoryOnly.timestamp().plus(Duration.ofHours(1)));
        assertThat(permanent.expiresAt()).isNull();

        assertThat(removed(await(store.cleanup(clock.now().plus(Duration.ofMinutes(59)))))).isZero();
        assertThat(offsets(read(ReadRequest.fromStart(p, null, 100)).events())).containsExactly(1L, 2L, 3L, 4L);

        clock.advance(Duration.ofHours(1));
        assertThat(removed(await(store.cleanup(clock.now())))).isEqualTo(1);
        ReadResult afterHour = read(ReadRequest.fromStart(p, null, 100));
        assertThat(offsets(afterHour.events())).containsExactly(2L, 3L, 4L);
        assertThat(afterHour.removedThrough()).isEqualTo(memoryOnly.offset());
        assertThat(afterHour.removedUntil()).isEqualTo(memoryOnly.timestamp());
        assertThat(read(ReadRequest.afterOffset(p, 0, null, 100)).completeAfter(0)).isFalse();
        assertThat(read(ReadRequest.afterOffset(p, 1, null, 100)).completeAfter(1)).isTrue();
        assertThat(read(ReadRequest.afterTime(p, Instant.EPOCH, null, 100)).completeAfter(Instant.EPOCH)).isFalse();
        assertThat(read(ReadRequest.afterTime(p, memoryOnly.timestamp(), null, 100))
                .completeAfter(memoryOnly.timestamp())).isTrue();

        clock.advance(Duration.ofHours(24));
        assertThat(removed(await(store.cleanup(clock.now())))).isEqualTo(1);
        clock.advance(Duration.ofDays(7));
        assertThat(removed(await(store.cleanup(clock.now())))).isEqualTo(1);
        ReadResult afterWeek = read(ReadRequest.fromStart(p, null, 100));
        assertThat(offsets(afterWeek.events())).containsExactly(permanent.offset());
        assertThat(afterWeek.removedThrough()).isEqualTo(mediumTerm.offset());
        assertThat(afterWeek.removedUntil()).isEqualTo(mediumTerm.timestamp());
        assertThat(shortTerm.offset()).isLessThan(mediumTerm.offset());

        clock.advance(Duration.ofDays(400));
        assertThat(removed(await(store.cleanup(clock.now())))).isZero();
        assertThat(offsets(read(ReadRequest.fromStart(p, null, 100)).events())).containsExactly(permanent.offset());
        assertThat(appendOne(progress(p)).offset()).isEqualTo(5);
    }

    // ---------------------------------------------------------------- idempotency

    @Test
    void republishingTheSameIdAndContentAnswersTheOriginalAndAnnouncesNothing() {
        UUID p = UUID.randomUUID();
        NewEvent e = progress(p);
        StoredEvent original = appendOne(e);
        announced.clear();
        clock.advanceMillis(50);

        List<AppendResult> again = append(e, progress(p), e);
        assertThat(again.get(0).duplicate()).isTrue();
        assertThat(again.get(0).event().position()).isEqualTo(original.position());
        assertThat(again.get(0).event().timestamp()).isEqualTo(original.timestamp());
        assertThat(again.get(1).duplicate()).isFalse();
        assertThat(again.get(1).event().offset()).isEqualTo(2);
        assertThat(again.get(2).duplicate()).isTrue();
        assertThat(offsets(announced)).containsExactly(2L);

        NewEvent fresh = progress(p);
        List<AppendResult> twiceInOne = append(fresh, fresh);
        assertThat(twiceInOne.get(0).duplicate()).isFalse();
        assertThat(twiceInOne.get(1).duplicate()).isTrue();
        assertThat(twiceInOne.get(1).event().offset()).isEqualTo(3);
        assertThat(offsets(read(ReadRequest.fromStart(p, null, 100)).events())).containsExactly(1L, 2L, 3L);
    }

    @Test
    void reusingAnIdWithOtherContentIsAConflictAndStoresNothingOfTheRequest() {
        UUID p = UUID.randomUUID();
        NewEvent e = progress(p);
        appendOne(e);
        announced.clear();
        NewEvent sameIdOtherContent = event(e.id(), p, EventType.ANALYSIS_PROGRESS, PersistenceLevel.SHORT_TERM);
        assertThat(sameIdOtherContent.contentHash()).isNotEqualTo(e.contentHash());

        assertThatThrownBy(() -> append(progress(p), sameIdOtherContent))
                .isInstanceOf(ConflictException.class)
                .satisfies(t -> assertThat(((ConflictException) t).id()).isEqualTo(e.id()));
        NewEvent a = progress(p);
        NewEvent aChanged = event(a.id(), p, EventType.ANALYSIS_PROGRESS, PersistenceLevel.LONG_TERM);
        assertThatThrownBy(() -> append(a, aChanged)).isInstanceOf(ConflictException.class);

        assertThat(announced).isEmpty();
        ReadResult r = read(ReadRequest.fromStart(p, null, 100));
        assertThat(offsets(r.events())).containsExactly(1L);
        assertThat(r.head().offset()).isEqualTo(1);
        assertThat(appendOne(progress(p)).offset()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- concurrency and order

    @Test
    void concurrentAppendersKeepOffsetsContiguousAndAnnounceInOffsetOrderBeforeCompleting() throws Exception {
        UUID[] projects = {UUID.randomUUID(), UUID.randomUUID()};
        int threads = 6;
        int appendsPerThread = 60;
        Set<UUID> announcedIds = ConcurrentHashMap.newKeySet();
        List<StoredEvent> order = Collections.synchronizedList(new ArrayList<>());
        List<String> violations = new CopyOnWriteArrayList<>();
        Consumer<List<StoredEvent>> onAppended = events -> {
            order.addAll(events);
            events.forEach(e -> announcedIds.add(e.id()));
        };
        List<Thread> workers = new ArrayList<>();
        List<Future<List<AppendResult>>> futures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            workers.add(new Thread(() -> {
                for (int i = 0; i < appendsPerThread; i++) {
                    List<NewEvent> batch = new ArrayList<>();
                    for (int k = 0; k <= (seed + i) % 3; k++) {
                        batch.add(progress(projects[(seed + i + k) % 2]));
                    }
                    Future<List<AppendResult>> f = store.append(batch, onAppended);
                    f.onSuccess(results -> results.forEach(r -> {
                        if (!announcedIds.contains(r.event().id())) {
                            violations.add("completed before announced: " + r.event());
                        }
                    }));
                    futures.add(f);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        Map<UUID, List<Long>> stored = new HashMap<>();
        for (Future<List<AppendResult>> f : futures) {
            for (AppendResult r : await(f)) {
                stored.computeIfAbsent(r.event().projectId(), k -> new ArrayList<>()).add(r.event().offset());
            }
        }
        assertThat(violations).isEmpty();
        for (UUID p : projects) {
            List<Long> offsets = new ArrayList<>(stored.get(p));
            Collections.sort(offsets);
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= offsets.size(); i++) {
                expected.add(i);
            }
            assertThat(offsets).isEqualTo(expected);
            List<Long> announcedOrder;
            synchronized (order) {
                announcedOrder = order.stream().filter(e -> e.projectId().equals(p)).map(StoredEvent::offset).toList();
            }
            assertThat(announcedOrder).isEqualTo(expected);
            List<StoredEvent> readBack = new ArrayList<>();
            long after = 0;
            ReadResult page;
            do {
                page = read(ReadRequest.afterOffset(p, after, null, 100));
                readBack.addAll(page.events());
                after = page.events().isEmpty() ? after : page.events().get(page.events().size() - 1).offset();
            } while (page.hasMore());
            assertThat(offsets(readBack)).isEqualTo(expected);
        }
    }

    // ---------------------------------------------------------------- delivery tracking

    @Test
    void deliveriesAreTrackedByClientIdAndExcludedFromReadsThatAskForIt() {
        UUID p = UUID.randomUUID();
        StoredEvent e1 = appendOne(progress(p));
        StoredEvent e2 = appendOne(progress(p));
        StoredEvent e3 = appendOne(progress(p));

        store.markDelivered("client-a", List.of(e1.id(), e2.id()), false);
        store.markDelivered("client-a", List.of(e1.id()), true);
        store.markDelivered(null, List.of(e1.id()), true);
        store.markDelivered(null, List.of(e3.id()), false);

        ReadRequest all = ReadRequest.fromStart(p, null, 100);
        assertThat(offsets(read(all.excludingDeliveredTo("client-a")).events())).containsExactly(3L);
        assertThat(offsets(read(all.excludingDeliveredTo("client-b")).events())).containsExactly(1L, 2L, 3L);
        assertThat(offsets(read(all).events())).containsExactly(1L, 2L, 3L);
        ReadResult limited = read(ReadRequest.fromStart(p, null, 1).excludingDeliveredTo("client-a"));
        assertThat(offsets(limited.events())).containsExactly(3L);
        assertThat(limited.hasMore()).isFalse();

        DeliveryRecord d1 = await(store.deliveries(e1.id()));
        assertThat(d1.clientIds()).containsExactly("client-a");
        assertThat(d1.replayCount()).isEqualTo(2);
        assertThat(await(store.deliveries(e3.id()))).isEqualTo(DeliveryRecord.NONE);
        assertThat(await(store.deliveries(UUID.randomUUID()))).isEqualTo(DeliveryRecord.NONE);

        store.markDelivered("client-b", List.of(e3.id()), false);
        assertThat(offsets(read(all.excludingDeliveredTo("client-b")).events())).containsExactly(1L, 2L);
    }
}
