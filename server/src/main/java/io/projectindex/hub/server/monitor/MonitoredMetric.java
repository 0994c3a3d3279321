package io.projectindex.hub.server.monitor;

import java.util.Arrays;
import java.util.List;

/**
 * The series kept in {@link MetricHistory}: sampled every {@code MONITORING_INTERVAL_SECONDS},
 * summarised by {@code /websocket/performance}, scanned by the anomaly detector and watched by
 * alert rules. Rates are computed over one sampling interval, not since start, so they recover
 * when a problem goes away.
 */
public enum MonitoredMetric {
    /** Events accepted by the publish API per second over the last interval. */
    EVENTS_PER_SECOND("events_per_second", Better.NEITHER),
    /** Mean time from publish accepted to written on a socket over the last interval; no sample without deliveries. */
    EVENT_DELIVERY_LATENCY_MS("event_delivery_latency_ms", Better.LOWER),
    /** Errors per operation (publishes, deliveries, client messages, connection attempts); no sample without operations. */
    ERROR_RATE("error_rate", Better.LOWER),
    /** Process resident memory (heap and non-heap used where RSS is unknown), in MiB. */
    MEMORY_USAGE_MB("memory_usage_mb", Better.LOWER),
    ACTIVE_CONNECTIONS("active_connections", Better.NEITHER),
    /** Events waiting in outbound queues, summed over connections. */
    QUEUE_SIZE("queue_size", Better.LOWER),
    /** Accepted / attempted WebSocket handshakes over the last interval; no sample without attempts. */
    CONNECTION_SUCCESS_RATE("connection_success_rate", Better.HIGHER),
    /** Events durably accepted / publish attempts that reached the store; no sample without publishes. */
    PUBLISH_SUCCESS_RATE("publish_success_rate", Better.HIGHER);

    /** Which way a metric moving away from its baseline is an improvement. */
    public enum Better { LOWER, HIGHER, NEITHER }

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(MonitoredMetric::wire).toList();

    private final String wire;
    private final Better better;

    MonitoredMetric(String wire, Better better) {
        this.wire = wire;
        this.better = better;
    }

    public String wire() {
        return wire;
    }

    public Better better() {
        return better;
    }

    /** The metric with this wire name; anything else is a {@link MonitorQueryException} listing the names. */
    public static MonitoredMetric parse(String name) {
        for (MonitoredMetric m : values()) {
            if (m.wire.equals(name)) {
                return m;
            }
        }
        throw MonitorQueryException.unknownMetric("metric_name", name);
    }

    @Override
    public String toString() {
        return wire;
    }
}
