package io.projectindex.hub.server.monitor;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The values one sampling tick produced. A metric is absent when it has no meaning for the interval
 * (no deliveries → no latency, no handshakes → no connection success rate); alert rules treat an
 * absent metric as not breached.
 */
public record Sample(Instant timestamp, Map<MonitoredMetric, Double> values) {
    public Sample {
        Objects.requireNonNull(timestamp, "timestamp");
        values = values.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(values));
    }

    public OptionalDouble value(MonitoredMetric metric) {
        Double v = values.get(metric);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
