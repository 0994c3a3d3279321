package io.projectindex.hub.server.broker;

import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.NewEvent;
import io.vertx.core.Future;

import java.util.List;

/**
 * Moves published events to every hub node: assigns their positions, makes them durable, and
 * hands them to each node's {@link io.projectindex.hub.server.hub.Hub} in offset order per
 * project. {@link LocalBroker} does this in-process for a single node; a Redis broker does it
 * across nodes. Thread-safe.
 */
public interface Broker {

    /** Short name for logs and health: local, redis. */
    String name();

    /**
     * Publishes events; completes once they are durable at their persistence level (results in
     * request order). Duplicates (same id, same content) are answered with their original
     * position and not delivered again.
     */
    Future<List<AppendResult>> publish(List<NewEvent> events);

    /** Counters for the debug view (fan-out between nodes); empty for a single node. */
    default java.util.Map<String, Object> stats() {
        return java.util.Map.of();
    }

    /** Succeeds when the broker can publish (readiness). */
    Future<Void> ping();

    Future<Void> close();
}
