package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.time.HubClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Thread-safe, lock-free: bounded ring buffers of timestamped samples, one per
 * {@link MonitoredMetric}. The sampler appends (one writer is expected, several are safe); REST
 * handlers on event loops read windows without blocking. When a ring is full the oldest sample is
 * overwritten, so memory is fixed at {@code capacity} samples per metric.
 */
public final class MetricHistory {
    /** Samples kept per metric: 10,000, i.e. about 83 hours at the default 30 s interval. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final HubClock clock;
    private final int capacity;
    private final Map<MonitoredMetric, Ring> rings = new EnumMap<>(MonitoredMetric.class);

    public MetricHistory(HubClock clock) {
        this(clock, DEFAULT_CAPACITY);
    }

    public MetricHistory(HubClock clock, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.clock = clock;
        this.capacity = capacity;
        for (MonitoredMetric m : MonitoredMetric.values()) {
            rings.put(m, new Ring(capacity));
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Appends a sample taken now. */
    public void record(MonitoredMetric metric, double value) {
        record(metric, new MetricSample(clock.now(), value));
    }

    public void record(MonitoredMetric metric, MetricSample sample) {
        rings.get(metric).add(sample);
    }

    /** Samples of the last {@code window} (timestamp ≥ now − window), oldest first. */
    public List<MetricSample> window(MonitoredMetric metric, Duration window) {
        return since(metric, clock.now().minus(window));
    }

    /** Samples at or after {@code from}, oldest first. */
    public List<MetricSample> since(MonitoredMetric metric, Instant from) {
        return rings.get(metric).since(from);
    }

    public Optional<MetricSample> latest(MonitoredMetric metric) {
        return Optional.ofNullable(rings.get(metric).latest());
    }

    /** The latest value if it is at most {@code maxAge} old: "what is the rate right now", empty when unknown. */
    public OptionalDouble recent(MonitoredMetric metric, Duration maxAge) {
        MetricSample s = rings.get(metric).latest();
        if (s == null || s.timestamp().isBefore(clock.now().minus(maxAge))) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(s.value());
    }

    /** Samples ever recorded for a metric, including overwritten ones. */
    public long recorded(MonitoredMetric metric) {
        return rings.get(metric).next.get();
    }

    /**
     * Each slot holds an immutable (sequence, sample) pair. A reader takes the write count, walks
     * the last {@code capacity} sequences and skips any slot whose sequence is not the one it
     * expects (already overwritten by a newer sample, or claimed but not yet written), so it never
     * sees a torn or out-of-order sample.
     */
    private static final class Ring {
        private record Slot(long seq, MetricSample sample) {
        }

        private final AtomicReferenceArray<Slot> slots;
        private final AtomicLong next = new AtomicLong();

        Ring(int capacity) {
            slots = new AtomicReferenceArray<>(capacity);
        }

        void add(MetricSample sample) {
            long seq = next.getAndIncrement();
            slots.set(index(seq), new Slot(seq, sample));
        }

        List<MetricSample> since(Instant from) {
            long end = next.get();
            long start = Math.max(0, end - slots.length());
            List<MetricSample> out = new ArrayList<>((int) Math.min(end - start, 1024));
            for (long seq = start; seq < end; seq++) {
                Slot slot = slots.get(index(seq));
                if (slot != null && slot.seq == seq && !slot.sample.timestamp().isBefore(from)) {
                    out.add(slot.sample);
                }
            }
            return out;
        }

        MetricSample latest() {
            long end = next.get();
            for (long seq = end - 1; seq >= Math.max(0, end - slots.length()); seq--) {
                Slot slot = slots.get(index(seq));
                if (slot != null && slot.seq == seq) {
                    return slot.sample;
                }
            }
            return null;
        }

        private int index(long seq) {
            return (int) (seq % slots.length());
        }
    }
}
