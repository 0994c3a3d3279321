package io.projectindex.hub.server.broker;

import io.vertx.core.Future;

import java.util.Map;

/**
 * Who is connected: a record per connection (node, user, client id, subscriptions, connected at),
 * kept in Redis with an expiry in multi-node operation so every node can count the whole
 * cluster, and nowhere otherwise. Updates never block and may be written late (batched).
 * Thread-safe.
 */
public interface Presence {

    /** Connections of the whole cluster, per node. */
    record ClusterCount(long connections, Map<String, Long> byNode) {
        public ClusterCount {
            byNode = Map.copyOf(byNode);
        }
    }

    /** A connection opened or changed its subscriptions; {@code record} is its JSON-ready description. */
    void put(String connectionId, Map<String, Object> record);

    /** A connection closed. */
    void remove(String connectionId);

    /** Connections per node across the cluster (this node alone without Redis). */
    Future<ClusterCount> count();

    Future<Void> close();
}
