package io.projectindex.hub.server.monitor;

import java.util.Arrays;
import java.util.List;

/**
 * Descriptive statistics of a series of samples. The standard deviation is the sample one
 * (n − 1 in the denominator) and is 0 below two samples, where it is undefined; nothing here
 * divides by zero. Pure.
 */
public record SeriesStats(int count, double min, double max, double mean, double median, double stddev, double latest) {

    /** Statistics of a non-empty series, oldest first. */
    public static SeriesStats of(List<MetricSample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("statistics of an empty series");
        }
        int n = samples.size();
        double[] values = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            values[i] = samples.get(i).value();
            sum += values[i];
        }
        double mean = sum / n;
        double squares = 0;
        for (double x : values) {
            squares += (x - mean) * (x - mean);
        }
        double stddev = n > 1 ? Math.sqrt(squares / (n - 1)) : 0.0;
        double latest = values[n - 1];
        Arrays.sort(values);
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return new SeriesStats(n, values[0], values[n - 1], mean, median, stddev, latest);
    }
}
