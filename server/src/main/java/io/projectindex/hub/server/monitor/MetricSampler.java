package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.time.HubClock;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Not thread-safe: called by one scheduler every {@code MONITORING_INTERVAL_SECONDS}. Each
 * {@link #sample()} reads a {@link MonitorSnapshot}, turns the difference from the previous one
 * into per-interval rates, and appends every defined value to the {@link MetricHistory}. Rates
 * whose denominator is zero are left out instead of being reported as 0 or 1, so an idle hub
 * neither looks perfect nor broken. Time comes from the injected clock.
 */
public final class MetricSampler {
    private static final double BYTES_PER_MIB = 1024.0 * 1024.0;

    private final HubClock clock;
    private final MetricHistory history;
    private final Supplier<MonitorSnapshot> source;
    private MonitorSnapshot previous;
    private long previousNanos;

    /** Reads the first snapshot now, so the first {@link #sample()} already covers a whole interval. */
    public MetricSampler(HubClock clock, MetricHistory history, Supplier<MonitorSnapshot> source) {
        this.clock = clock;
        this.history = history;
        this.source = source;
        this.previous = Objects.requireNonNull(source.get(), "snapshot");
        this.previousNanos = clock.nanoTime();
    }

    /** Takes one sample, records it and returns it (the caller passes it on to the alert engine). */
    public Sample sample() {
        MonitorSnapshot now = Objects.requireNonNull(source.get(), "snapshot");
        long nanos = clock.nanoTime();
        Instant at = clock.now();
        Map<MonitoredMetric, Double> values = compute(previous, now, (nanos - previousNanos) / 1e9);
        previous = now;
        previousNanos = nanos;
        for (Map.Entry<MonitoredMetric, Double> e : values.entrySet()) {
            history.record(e.getKey(), new MetricSample(at, e.getValue()));
        }
        return new Sample(at, values);
    }

    /** The metric values of one interval of {@code seconds} between two snapshots. Pure. */
    static Map<MonitoredMetric, Double> compute(MonitorSnapshot before, MonitorSnapshot after, double seconds) {
        Map<MonitoredMetric, Double> v = new EnumMap<>(MonitoredMetric.class);
        v.put(MonitoredMetric.ACTIVE_CONNECTIONS, (double) after.activeConnections());
        v.put(MonitoredMetric.QUEUE_SIZE, (double) after.queueSize());
        v.put(MonitoredMetric.MEMORY_USAGE_MB, after.memoryBytes() / BYTES_PER_MIB);
        if (seconds > 0) {
            v.put(MonitoredMetric.EVENTS_PER_SECOND, delta(before.eventsPublished(), after.eventsPublished()) / seconds);
        }
        long deliveries = delta(before.deliveries(), after.deliveries());
        if (deliveries > 0) {
            double millis = after.deliveryMillisTotal() - (after.deliveries() < before.deliveries() ? 0 : before.deliveryMillisTotal());
            v.put(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, Math.max(0, millis) / deliveries);
        }
        ratio(v, MonitoredMetric.ERROR_RATE, delta(before.errors(), after.errors()),
                delta(before.operations(), after.operations()));
        ratio(v, MonitoredMetric.CONNECTION_SUCCESS_RATE, delta(before.connectionsOpened(), after.connectionsOpened()),
                delta(before.connectionAttempts(), after.connectionAttempts()));
        long published = delta(before.eventsPublished(), after.eventsPublished());
        ratio(v, MonitoredMetric.PUBLISH_SUCCESS_RATE, published,
                published + delta(before.publishFailures(), after.publishFailures()));
        return v;
    }

    private static void ratio(Map<MonitoredMetric, Double> v, MonitoredMetric metric, long part, long whole) {
        if (whole > 0) {
            v.put(metric, Math.min(1.0, (double) part / whole));
        }
    }

    private static long delta(long before, long after) {
        return after >= before ? after - before : after;
    }
}
