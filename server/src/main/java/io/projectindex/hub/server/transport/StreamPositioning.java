package io.projectindex.hub.server.transport;

import io.projectindex.hub.server.hub.Subscription;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.vertx.core.Future;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Positions a new project subscription in its stream (PROTOCOL §4), for WebSocket {@code subscribe}
 * and for Server-Sent Events: the stream's head, and for a resume the missed events that are in
 * the subscription's scope — or why they cannot be sent ({@code epoch_changed},
 * {@code history_expired}, {@code too_many}). Stateless; the futures complete on the history
 * store's threads.
 */
final class StreamPositioning {

    /**
     * @param recovered null when this was not a resume
     * @param reason    why not recovered, else null
     * @param missed    the missed events in scope, oldest first (empty unless recovered)
     */
    record Positioned(StreamPosition head, Boolean recovered, String reason, List<StoredEvent> missed) {
    }

    private StreamPositioning() {
    }

    /** The head only: a subscription that does not resume. */
    static Future<Positioned> head(HistoryStore history, UUID projectId) {
        return history.position(projectId).map(head -> new Positioned(head, null, null, List.of()));
    }

    /** A resume after {@code since} of stream {@code epoch} (null: any epoch), at most {@code max} missed events. */
    static Future<Positioned> afterOffset(HistoryStore history, Subscription s, long since, String epoch, int max) {
        return history.read(ReadRequest.afterOffset(s.projectId(), since, s.types(), max)).map(r -> {
            StreamPosition head = r.head();
            if ((epoch != null && !epoch.equals(head.epoch())) || since > head.offset()) {
                return new Positioned(head, false, "epoch_changed", List.of());
            }
            if (head.offset() - since > max) {
                return new Positioned(head, false, "too_many", List.of());
            }
            if (!r.completeAfter(since)) {
                return new Positioned(head, false, "history_expired", List.of());
            }
            return new Positioned(head, true, null, inScope(s, r));
        });
    }

    /** A resume after the instant {@code since}, at most {@code max} missed events. */
    static Future<Positioned> afterTime(HistoryStore history, Subscription s, Instant since, int max) {
        return history.read(ReadRequest.afterTime(s.projectId(), since, s.types(), max)).map(r -> {
            if (r.hasMore()) {
                return new Positioned(r.head(), false, "too_many", List.of());
            }
            if (!r.completeAfter(since)) {
                return new Positioned(r.head(), false, "history_expired", List.of());
            }
            return new Positioned(r.head(), true, null, inScope(s, r));
        });
    }

    private static List<StoredEvent> inScope(Subscription s, ReadResult r) {
        List<StoredEvent> out = new ArrayList<>(r.events().size());
        for (StoredEvent e : r.events()) {
            if (s.inScope(e)) {
                out.add(e);
            }
        }
        return out;
    }
}
