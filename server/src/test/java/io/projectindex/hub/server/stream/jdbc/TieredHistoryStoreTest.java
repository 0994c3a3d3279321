package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.CleanupReport;
import io.projectindex.hub.server.stream.DeliveryRecord;
import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.stream.TieredHistoryStore;
import io.projectindex.hub.server.testing.FakeClock;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Which reads the memory tier answers, and that reads falling through are whole and in order. */
class TieredHistoryStoreTest {
    @TempDir
    Path dir;
    private final FakeClock clock = new FakeClock();
    private SqliteHistoryStore sqlite;
    private CountingDurable durable;
    private TieredHistoryStore store;

    /** Counts the reads that reach the durable tier. */
    private static final class CountingDurable implements DurableHistoryStore {
        final DurableHistoryStore inner;
        final AtomicInteger reads = new AtomicInteger();

        CountingDurable(DurableHistoryStore inner) {
            this.inner = inner;
        }

        public String backend() {
            return inner.backend();
        }

        public Future<List<AppendResult>> append(List<NewEvent> events, Consumer<List<StoredEvent>> onAppended) {
            return inner.append(events, onAppended);
        }

        public Future<ReadResult> read(ReadRequest request) {
            reads.incrementAndGet();
            return inner.read(request);
        }

        public Future<StreamPosition> position(UUID projectId) {
            return inner.position(projectId);
        }

        public Future<CleanupReport> cleanupReport(Instant now) {
            return inner.cleanupReport(now);
        }

        public Future<Head> head(UUID projectId) {
            return inner.head(projectId);
        }

        public Future<Inserted> insertPositioned(List<StoredEvent> events) {
            return inner.insertPositioned(events);
        }

        public void markDelivered(String clientId, List<UUID> eventIds, boolean replayed) {
            inner.markDelivered(clientId, eventIds, replayed);
        }

        public Future<DeliveryRecord> deliveries(UUID eventId) {
            return inner.deliveries(eventId);
        }

        public Future<Void> ping() {
            return inner.ping();
        }

        public Future<Void> close() {
            return inner.close();
        }
    }

    @BeforeEach
    void open() {
        reopen();
    }

    private void reopen() {
        sqlite = SqliteHistoryStore.openBlocking(dir.resolve("history.db"), clock, new SimpleMeterRegistry());
        durable = new CountingDurable(sqlite);
        store = new TieredHistoryStore(durable, clock, 5, Duration.ofHours(2));
    }

    @AfterEach
    void close() {
        await(store.close());
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<StoredEvent> appendProgress(UUID project, int n) {
        List<StoredEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var data = Json.readTree(io.projectindex.hub.server.testing.Events.progress(project, UUID.randomUUID(), i))
                    .get("data");
            UUID id = UUID.randomUUID();
            NewEvent e = new NewEvent(EventType.ANALYSIS_PROGRESS, id, project, data,
                    io.projectindex.hub.protocol.data.EventData.view(EventType.ANALYSIS_PROGRESS, data),
                    Json.writeBytes(data), id.toString(), PersistenceLevel.SHORT_TERM, EventType.ANALYSIS_PROGRESS.defaultPriority(),
                    io.projectindex.hub.server.stream.ContentHash.ofContent(EventType.ANALYSIS_PROGRESS, data, id.toString(),
                            PersistenceLevel.SHORT_TERM));
            out.add(await(store.append(List.of(e), x -> { })).get(0).event());
            clock.advanceMillis(1);
        }
        return out;
    }

    private List<Long> offsets(ReadRequest r) {
        return await(store.read(r)).events().stream().map(StoredEvent::offset).toList();
    }

    @Test
    void recentReadsAreAnsweredFromMemoryAndOlderOnesWholeFromTheDatabase() {
        UUID p = UUID.randomUUID();
        List<StoredEvent> events = appendProgress(p, 12);
        // The first read of a project learns its removal markers from the database.
        assertThat(offsets(ReadRequest.afterOffset(p, 10, null, 100))).containsExactly(11L, 12L);
        int afterLearning = durable.reads.get();
        assertThat(offsets(ReadRequest.afterOffset(p, 7, null, 100))).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(offsets(ReadRequest.afterOffset(p, 9, null, 2))).containsExactly(10L, 11L);
        assertThat(offsets(ReadRequest.afterTime(p, events.get(8).timestamp(), null, 100))).containsExactly(10L, 11L, 12L);
        assertThat(durable.reads.get()).isEqualTo(afterLearning);

        assertThat(offsets(ReadRequest.afterOffset(p, 6, null, 100))).containsExactly(7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(offsets(ReadRequest.fromStart(p, null, 100))).hasSize(12).isSorted().doesNotHaveDuplicates();
        assertThat(offsets(ReadRequest.afterTime(p, events.get(2).timestamp(), null, 4))).containsExactly(4L, 5L, 6L, 7L);
        assertThat(durable.reads.get()).isEqualTo(afterLearning + 3);
    }

    @Test
    void afterARestartOnlyNewEventsAreInMemoryAndResumesBeforeThemReadTheDatabase() {
        UUID p = UUID.randomUUID();
        appendProgress(p, 3);
        await(store.close());
        reopen();
        appendProgress(p, 2);
        assertThat(offsets(ReadRequest.afterOffset(p, 1, null, 100))).containsExactly(2L, 3L, 4L, 5L);
        int reads = durable.reads.get();
        assertThat(offsets(ReadRequest.afterOffset(p, 3, null, 100))).containsExactly(4L, 5L);
        assertThat(durable.reads.get()).isEqualTo(reads);
    }

    @Test
    void theMemoryTtlDropsEventsFromMemoryButNotFromTheDatabase() {
        UUID p = UUID.randomUUID();
        appendProgress(p, 3);
        assertThat(offsets(ReadRequest.afterOffset(p, 0, null, 100))).containsExactly(1L, 2L, 3L);
        clock.advance(Duration.ofHours(3));
        var result = await(store.cleanup(clock.now()));
        assertThat(result.memoryCleaned()).isEqualTo(3);
        assertThat(result.databaseCleaned()).isZero();
        assertThat(store.memorySize()).isZero();
        ReadResult r = await(store.read(ReadRequest.afterOffset(p, 0, null, 100)));
        assertThat(r.events()).extracting(StoredEvent::offset).containsExactly(1L, 2L, 3L);
        assertThat(r.completeAfter(0)).isTrue();
    }
}
