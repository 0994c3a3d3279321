package io.projectindex.hub.server.stream;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the memory backend, plus its own limits (count and memory TTL). */
class InMemoryHistoryStoreTest extends HistoryStoreContract {

    @Override
    protected HistoryStore newStore(FakeClock clock) {
        return new InMemoryHistoryStore(clock, 10_000);
    }

    @Override
    protected long removed(CleanupResult r) {
        return r.memoryCleaned();
    }

    @Test
    void memoryTtlCapsHowLongAnyEventStays() {
        store = new InMemoryHistoryStore(clock, 10, Duration.ofHours(2));
        UUID p = UUID.randomUUID();
        appendOne(event(p, io.projectindex.hub.protocol.EventType.PROJECT_INDEX_UPDATED,
                io.projectindex.hub.protocol.PersistenceLevel.PERMANENT));
        clock.advance(Duration.ofHours(2));
        assertThat(await(store.cleanup(clock.now())).memoryCleaned()).isEqualTo(1);
        ReadResult r = read(ReadRequest.fromStart(p, null, 10));
        assertThat(r.events()).isEmpty();
        assertThat(r.removedThrough()).isEqualTo(1);
    }
}
