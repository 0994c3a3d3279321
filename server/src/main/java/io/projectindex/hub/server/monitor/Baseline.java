package io.projectindex.hub.server.monitor;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The expected value of a metric and how far from it (in percent of the value) is still normal.
 * The value is never 0, so the deviation in percent is always defined.
 */
public record Baseline(double value, double acceptableVariancePercent) {
    /**
     * The original design's baselines: delivery latency 50 ms ± 20 %, 100 events/s ± 30 %,
     * connection success 0.99 ± 5 %, memory 100 MiB ± 50 %, error rate 0.01 ± 100 %.
     */
    public static final Map<MonitoredMetric, Baseline> DEFAULTS;

    static {
        Map<MonitoredMetric, Baseline> m = new EnumMap<>(MonitoredMetric.class);
        m.put(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, new Baseline(50, 20));
        m.put(MonitoredMetric.EVENTS_PER_SECOND, new Baseline(100, 30));
        m.put(MonitoredMetric.CONNECTION_SUCCESS_RATE, new Baseline(0.99, 5));
        m.put(MonitoredMetric.MEMORY_USAGE_MB, new Baseline(100, 50));
        m.put(MonitoredMetric.ERROR_RATE, new Baseline(0.01, 100));
        DEFAULTS = Collections.unmodifiableMap(m);
    }

    public Baseline {
        if (!Double.isFinite(value) || value == 0) {
            throw new IllegalArgumentException("baseline value must be finite and non-zero, was " + value);
        }
        if (!(acceptableVariancePercent > 0) || !Double.isFinite(acceptableVariancePercent)) {
            throw new IllegalArgumentException("acceptable variance must be a positive percentage, was "
                    + acceptableVariancePercent);
        }
    }

    /**
     * Compares an observed mean with this baseline. Outside the acceptable range the assessment is
     * "better" or "worse" when the metric has a preferred direction (latency lower, success rate
     * higher), and "outside" when it has none (throughput just differs from the expected load).
     */
    public Comparison compare(double mean, MonitoredMetric.Better better) {
        double difference = mean - value;
        double deviationPercent = Math.abs(difference) / Math.abs(value) * 100.0;
        boolean within = deviationPercent <= acceptableVariancePercent;
        String assessment;
        if (within) {
            assessment = "within";
        } else if (better == MonitoredMetric.Better.NEITHER) {
            assessment = "outside";
        } else {
            boolean improved = better == MonitoredMetric.Better.LOWER ? difference < 0 : difference > 0;
            assessment = improved ? "better" : "worse";
        }
        return new Comparison(value, acceptableVariancePercent, difference, deviationPercent, within, assessment);
    }

    /** A mean compared with its baseline; {@code deviationPercent} is |mean − baseline| / |baseline| × 100. */
    public record Comparison(double baselineValue, double acceptableVariancePercent, double difference,
                             double deviationPercent, boolean withinAcceptableRange, String assessment) {
    }
}
