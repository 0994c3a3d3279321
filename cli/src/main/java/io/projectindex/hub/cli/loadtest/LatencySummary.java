package io.projectindex.hub.cli.loadtest;

import org.HdrHistogram.Histogram;

/**
 * One-way publish-to-receive latency of the measured events, in milliseconds. Built from an
 * HdrHistogram of microseconds (3 significant digits, so a percentile is exact to 0.1 %); the
 * percentile is the smallest recorded value that at least that share of the samples do not exceed.
 */
public record LatencySummary(long count, double meanMillis, double p50Millis, double p90Millis, double p99Millis,
                             double p999Millis, double maxMillis) {
    /** Latencies above this (one hour) are recorded as this: a histogram needs a bound. */
    public static final long MAX_TRACKABLE_MICROS = 3_600_000_000L;
    public static final int SIGNIFICANT_DIGITS = 3;

    public LatencySummary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
    }

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    /** A fresh histogram of microsecond values sized for {@link #MAX_TRACKABLE_MICROS}. */
    public static Histogram newHistogram() {
        return new Histogram(MAX_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    }

    /** Clamps a latency in nanoseconds to the histogram's range, in microseconds (negative clock skew reads as 0). */
    public static long toMicros(long latencyNanos) {
        return Math.min(MAX_TRACKABLE_MICROS, Math.max(0, latencyNanos / 1000));
    }

    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(micros.getTotalCount(), round(micros.getMean() / 1000.0),
                millis(micros, 50), millis(micros, 90), millis(micros, 99), millis(micros, 99.9),
                round(micros.getMaxValue() / 1000.0));
    }

    private static double millis(Histogram h, double percentile) {
        return round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    /** Three decimals: microsecond resolution in milliseconds. */
    private static double round(double millis) {
        return Math.round(millis * 1000.0) / 1000.0;
    }
}
