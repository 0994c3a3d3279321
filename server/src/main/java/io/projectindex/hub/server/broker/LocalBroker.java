package io.projectindex.hub.server.broker;

import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import io.vertx.core.Future;

import java.util.List;
import java.util.function.Consumer;

/**
 * Single-node broker: the history store assigns positions and stores; newly stored events go to
 * this node's hub straight from the store's sequencing step, which keeps them in offset order per
 * project. Thread-safe.
 */
public final class LocalBroker implements Broker {
    private final HistoryStore store;
    private final Consumer<List<StoredEvent>> hub;

    public LocalBroker(HistoryStore store, Consumer<List<StoredEvent>> hub) {
        this.store = store;
        this.hub = hub;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public Future<List<AppendResult>> publish(List<NewEvent> events) {
        return store.append(events, hub);
    }

    @Override
    public Future<Void> ping() {
        return store.ping();
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
