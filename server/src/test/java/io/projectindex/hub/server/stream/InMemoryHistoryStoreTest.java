package io.projectindex.hub.server.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory store's own behaviour: eviction at its bound and expiry by persistence level. */
class InMemoryHistoryStoreTest {
    private final FakeClock clock = new FakeClock();
    private final UUID p = UUID.randomUUID();

    private NewEvent event(PersistenceLevel level) {
        ObjectNode data = Json.object().put("project_id", p.toString()).put("status", "completed");
        return new NewEvent(EventType.PROJECT_INDEX_UPDATED, UUID.randomUUID(), p, data,
                EventData.view(EventType.PROJECT_INDEX_UPDATED, data), Json.writeBytes(data), "c", level, Priority.HIGH,
                ContentHash.ofContent(EventType.PROJECT_INDEX_UPDATED, data, "c", level));
    }

    @Test
    void evictionBeyondTheBoundIsVisibleAsRemovedThrough() {
        InMemoryHistoryStore store = new InMemoryHistoryStore(clock, 3);
        List<StoredEvent> announced = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            store.append(List.of(event(PersistenceLevel.LONG_TERM)), announced::addAll);
        }
        ReadResult r = store.read(ReadRequest.fromStart(p, null, 10)).result();
        assertThat(r.events()).extracting(StoredEvent::offset).containsExactly(3L, 4L, 5L);
        assertThat(r.removedThrough()).isEqualTo(2);
        assertThat(r.completeAfter(1)).isFalse();
        assertThat(r.completeAfter(2)).isTrue();
        assertThat(announced).extracting(StoredEvent::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void cleanupRemovesExpiredEventsFromTheMiddleAndRecordsTheHole() {
        InMemoryHistoryStore store = new InMemoryHistoryStore(clock, 100);
        store.append(List.of(event(PersistenceLevel.LONG_TERM), event(PersistenceLevel.MEMORY_ONLY),
                event(PersistenceLevel.PERMANENT)), e -> { });
        clock.advance(Duration.ofMinutes(59));
        assertThat(store.cleanup(clock.now()).result().memoryCleaned()).isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.cleanup(clock.now()).result().memoryCleaned()).isEqualTo(1);
        ReadResult r = store.read(ReadRequest.afterOffset(p, 0, null, 10)).result();
        assertThat(r.events()).extracting(StoredEvent::offset).containsExactly(1L, 3L);
        assertThat(r.completeAfter(1)).isFalse();
        assertThat(r.completeAfter(2)).isTrue();
        clock.advance(Duration.ofDays(31));
        store.cleanup(clock.now());
        assertThat(store.read(ReadRequest.fromStart(p, null, 10)).result().events()).extracting(StoredEvent::offset)
                .containsExactly(3L);
    }

    @Test
    void timestampsNeverGoBackwardsWithinAProject() {
        InMemoryHistoryStore store = new InMemoryHistoryStore(clock, 100);
        StoredEvent first = store.append(List.of(event(PersistenceLevel.LONG_TERM)), e -> { }).result().get(0).event();
        StoredEvent second = store.append(List.of(event(PersistenceLevel.LONG_TERM)), e -> { }).result().get(0).event();
        assertThat(second.timestamp()).isAfterOrEqualTo(first.timestamp());
        assertThat(second.epoch()).isEqualTo(first.epoch());
    }
}
