package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.server.time.HubClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Thread-safe (stateless over a thread-safe history): flags samples far from their window's mean.
 * A sample is anomalous when |z| > {@value #MEDIUM_Z} with z = (x − mean) / s over the window, s the
 * sample standard deviation; |z| > {@value #HIGH_Z} is high severity. Fewer than
 * {@value #MIN_POINTS} samples, or a (near-)constant series, give no anomalies rather than a
 * division by zero. Drops as well as spikes count.
 */
public final class AnomalyDetector {
    public static final int MIN_POINTS = 10;
    public static final double MEDIUM_Z = 2.0;
    public static final double HIGH_Z = 3.0;
    /** Below this relative spread a series is treated as constant: float noise is not an anomaly. */
    private static final double CONSTANT_EPSILON = 1e-9;

    private final MetricHistory history;
    private final HubClock clock;

    public AnomalyDetector(MetricHistory history, HubClock clock) {
        this.history = history;
        this.clock = clock;
    }

    /** Anomalies of one metric over the last {@code window}, oldest first. */
    public List<Anomaly> detect(MonitoredMetric metric, Duration window) {
        return detect(history.window(metric, window));
    }

    /** Anomalies in a series, oldest first. Pure. */
    public static List<Anomaly> detect(List<MetricSample> samples) {
        if (samples.size() < MIN_POINTS) {
            return List.of();
        }
        SeriesStats stats = SeriesStats.of(samples);
        double scale = Math.max(1.0, Math.abs(stats.mean()));
        if (!(stats.stddev() > CONSTANT_EPSILON * scale)) {
            return List.of();
        }
        List<Anomaly> out = new ArrayList<>();
        for (MetricSample s : samples) {
            double z = (s.value() - stats.mean()) / stats.stddev();
            double abs = Math.abs(z);
            if (abs > MEDIUM_Z) {
                out.add(new Anomaly(s.timestamp(), s.value(), z, abs > HIGH_Z ? Anomaly.Severity.HIGH : Anomaly.Severity.MEDIUM));
            }
        }
        return out;
    }

    /**
     * Scans one metric by wire name, or every metric when {@code metricName} is empty.
     *
     * @throws MonitorQueryException for a name that is not a {@link MonitoredMetric}
     */
    public Report scan(Duration window, Optional<String> metricName) {
        List<MonitoredMetric> metrics = metricName.map(n -> List.of(MonitoredMetric.parse(n)))
                .orElse(List.of(MonitoredMetric.values()));
        Map<MonitoredMetric, List<Anomaly>> found = new EnumMap<>(MonitoredMetric.class);
        for (MonitoredMetric m : metrics) {
            found.put(m, detect(m, window));
        }
        return new Report(clock.now(), window, found);
    }

    /** The body of {@code GET /websocket/anomalies}. */
    public record Report(Instant timestamp, Duration window, Map<MonitoredMetric, List<Anomaly>> anomalies) {
        public Report {
            anomalies = Collections.unmodifiableMap(new EnumMap<>(anomalies));
        }

        public boolean anomaliesDetected() {
            return anomalies.values().stream().anyMatch(l -> !l.isEmpty());
        }

        /** {@code {timestamp, window_minutes, anomalies_detected, anomalies: {metric: [anomaly…]}}}. */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("timestamp", Timestamps.format(timestamp));
            json.put("window_minutes", window.toMinutes());
            json.put("anomalies_detected", anomaliesDetected());
            Map<String, Object> byMetric = new LinkedHashMap<>();
            anomalies.forEach((m, list) -> byMetric.put(m.wire(), list.stream().map(Anomaly::toJson).toList()));
            json.put("anomalies", byMetric);
            return json;
        }
    }
}
