package io.projectindex.hub.server.broker;

import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Presence of a single node: the records live in this process only. Thread-safe. */
public final class LocalPresence implements Presence {
    private final String nodeId;
    private final Map<String, Map<String, Object>> records = new ConcurrentHashMap<>();

    public LocalPresence(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public void put(String connectionId, Map<String, Object> record) {
        records.put(connectionId, record);
    }

    @Override
    public void remove(String connectionId) {
        records.remove(connectionId);
    }

    @Override
    public Future<ClusterCount> count() {
        return Future.succeededFuture(new ClusterCount(records.size(), Map.of(nodeId, (long) records.size())));
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }
}
