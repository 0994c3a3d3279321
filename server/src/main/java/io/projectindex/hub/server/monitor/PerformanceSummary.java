package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.Timestamps;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-metric statistics over a window of {@link MetricHistory}, each compared with its
 * {@link Baseline} where one exists: the body of {@code GET /websocket/performance}. The
 * comparison uses the window's mean against the baseline value (the original compared the metric
 * with its own samples and divided by zero on an all-zero series). Immutable.
 */
public record PerformanceSummary(Instant timestamp, Duration window, Map<MonitoredMetric, MetricSummary> metrics) {

    public PerformanceSummary {
        metrics = Collections.unmodifiableMap(new EnumMap<>(metrics));
    }

    /** Statistics of one metric; {@code stats} is empty when the window holds no sample. */
    public record MetricSummary(Optional<SeriesStats> stats, Optional<Baseline.Comparison> baseline) {
    }

    /** Summarises every metric of {@code history} over the last {@code window}. */
    public static PerformanceSummary of(MetricHistory history, Duration window, Instant now,
                                        Map<MonitoredMetric, Baseline> baselines) {
        Map<MonitoredMetric, MetricSummary> out = new EnumMap<>(MonitoredMetric.class);
        Instant from = now.minus(window);
        for (MonitoredMetric m : MonitoredMetric.values()) {
            List<MetricSample> samples = history.since(m, from);
            if (samples.isEmpty()) {
                out.put(m, new MetricSummary(Optional.empty(), Optional.empty()));
                continue;
            }
            SeriesStats stats = SeriesStats.of(samples);
            Baseline b = baselines.get(m);
            out.put(m, new MetricSummary(Optional.of(stats),
                    b == null ? Optional.empty() : Optional.of(b.compare(stats.mean(), m.better()))));
        }
        return new PerformanceSummary(now, window, out);
    }

    /**
     * {@code {metric: {count, min, max, mean, median, stddev, latest, baseline_comparison?}}}; with
     * no samples in the window a metric is {@code {count: 0}} only.
     */
    public Map<String, Object> metricsJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        metrics.forEach((metric, summary) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", summary.stats().map(SeriesStats::count).orElse(0));
            summary.stats().ifPresent(s -> {
                m.put("min", s.min());
                m.put("max", s.max());
                m.put("mean", s.mean());
                m.put("median", s.median());
                m.put("stddev", s.stddev());
                m.put("latest", s.latest());
            });
            summary.baseline().ifPresent(c -> {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("baseline_value", c.baselineValue());
                b.put("acceptable_variance_percent", c.acceptableVariancePercent());
                b.put("difference", c.difference());
                b.put("deviation_percent", c.deviationPercent());
                b.put("within_acceptable_range", c.withinAcceptableRange());
                b.put("assessment", c.assessment());
                m.put("baseline_comparison", b);
            });
            json.put(metric.wire(), m);
        });
        return json;
    }

    /** {@code {timestamp, window_minutes, performance_summary}}; the REST route may add sections. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("timestamp", Timestamps.format(timestamp));
        json.put("window_minutes", window.toMinutes());
        json.put("performance_summary", metricsJson());
        return json;
    }
}
