package io.projectindex.hub.server.monitor;

import java.time.Instant;
import java.util.Objects;

/** One sampled value of a {@link MonitoredMetric}. */
public record MetricSample(Instant timestamp, double value) {
    public MetricSample {
        Objects.requireNonNull(timestamp, "timestamp");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("sample value must be finite, was " + value);
        }
    }
}
