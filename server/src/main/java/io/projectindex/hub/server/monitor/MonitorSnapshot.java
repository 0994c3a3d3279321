package io.projectindex.hub.server.monitor;

/**
 * Cumulative counters and current gauges of the hub at one moment, as {@link HubMetrics#snapshot()}
 * reads them. The {@link MetricSampler} turns two consecutive snapshots into per-interval rates.
 * Counters only grow; a counter that went down (a restarted source) is treated as reset to zero.
 *
 * @param eventsPublished     events durably accepted by the publish API
 * @param publishFailures     publishes that failed on the server side (store unavailable, timeout), not client errors
 * @param eventsDelivered     live events written to a connection
 * @param deliveries          deliveries timed by the publish-accepted → written latency timer
 * @param deliveryMillisTotal sum of those latencies, in milliseconds
 * @param errors              errors of every type and component
 * @param messagesReceived    client messages received
 * @param connectionsOpened   WebSocket handshakes accepted
 * @param connectionsRejected WebSocket handshakes refused (auth, limits, draining)
 * @param activeConnections   connections open now
 * @param queueSize           events waiting in outbound queues now
 * @param memoryBytes         process memory now (RSS, or heap + non-heap used where RSS is unknown)
 */
public record MonitorSnapshot(long eventsPublished, long publishFailures, long eventsDelivered, long deliveries,
                              double deliveryMillisTotal, long errors, long messagesReceived, long connectionsOpened,
                              long connectionsRejected, long activeConnections, long queueSize, long memoryBytes) {

    /** A hub that has done nothing and holds nothing. */
    public static final MonitorSnapshot IDLE = new MonitorSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The denominator of the error rate: every unit of work that could have failed. */
    public long operations() {
        return eventsPublished + publishFailures + eventsDelivered + messagesReceived + connectionAttempts();
    }

    public long connectionAttempts() {
        return connectionsOpened + connectionsRejected;
    }
}
