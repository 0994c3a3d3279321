package io.projectindex.hub.server.hub;

import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This node's fan-out: receives newly stored events from the broker (in offset order per
 * project) and hands the same list to every shard. Each shard delivers on its own event loop to
 * its own connections, so per-project order holds on every connection. Thread-safe.
 */
public final class Hub implements Consumer<List<StoredEvent>> {
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final List<Shard> shards = new CopyOnWriteArrayList<>();
    /** The broker's interest in positions that subscribes read (multi-node operation); none by default. */
    private volatile PositionListener positions = (project, head) -> DONE;

    /** Learns the stream positions subscribes read, so the node's sequence of a project starts there. */
    @FunctionalInterface
    public interface PositionListener {
        /** Completes once the broker has taken the position into account (any events it implies are submitted). */
        CompletionStage<Void> observed(UUID projectId, StreamPosition head);
    }

    public void register(Shard shard) {
        shards.add(shard);
    }

    public void unregister(Shard shard) {
        shards.remove(shard);
    }

    public List<Shard> shards() {
        return List.copyOf(shards);
    }

    @Override
    public void accept(List<StoredEvent> events) {
        for (Shard s : shards) {
            s.submit(events);
        }
    }

    /** Tells every shard's listeners of the project, in order with the events accepted before. */
    public void reset(StreamReset reset) {
        for (Shard s : shards) {
            s.submitReset(reset);
        }
    }

    public void positions(PositionListener listener) {
        this.positions = listener;
    }

    /**
     * A subscribe read the project's position; live events after it must reach the subscriber.
     * Completes when the subscribe may release the live events it held.
     */
    public CompletionStage<Void> observed(UUID projectId, StreamPosition head) {
        return positions.observed(projectId, head);
    }
}
