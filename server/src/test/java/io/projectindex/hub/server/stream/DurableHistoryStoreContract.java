package io.projectindex.hub.server.stream;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.PersistenceLevel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a durable backend promises beyond the common contract: restarts and checksums. */
public abstract class DurableHistoryStoreContract extends HistoryStoreContract {

    /** Overwrites the stored {@code data} of one event behind the store's back. */
    protected abstract void corruptData(UUID eventId, String json) throws Exception;

    /** Rows the current store skipped as corrupt. */
    protected abstract long corrupted();

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
