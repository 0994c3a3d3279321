package io.projectindex.hub.server.hub;

import io.projectindex.hub.server.stream.StoredEvent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * This node's fan-out: receives newly stored events from the broker (in offset order per
 * project) and hands the same list to every shard. Each shard delivers on its own event loop to
 * its own connections, so per-project order holds on every connection. Thread-safe.
 */
public final class Hub implements Consumer<List<StoredEvent>> {
    private final List<Shard> shards = new CopyOnWriteArrayList<>();

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
}
