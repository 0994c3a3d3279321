package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class PerformanceSummaryTest {
    private final FakeClock clock = new FakeClock();
    private final MetricHistory history = new MetricHistory(clock);

    private void feed(MonitoredMetric metric, double... values) {
        for (double v : values) {
            history.record(metric, v);
            clock.advance(Duration.ofSeconds(30));
        }
    }

    private PerformanceSummary summary(Duration window) {
        return PerformanceSummary.of(history, window, clock.now(), Baseline.DEFAULTS);
    }

    @Test
    void statisticsOfAKnownSeriesAndTheirComparisonWithTheLatencyBaseline() {
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 40, 10, 30, 20);

        PerformanceSummary.MetricSummary s = summary(Duration.ofMinutes(60)).metrics().get(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS);

        SeriesStats stats = s.stats().orElseThrow();
        assertThat(stats.count()).isEqualTo(4);
        assertThat(stats.min()).isEqualTo(10);
        assertThat(stats.max()).isEqualTo(40);
        assertThat(stats.mean()).isEqualTo(25);
        assertThat(stats.median()).isEqualTo(25);
        assertThat(stats.stddev()).isCloseTo(Math.sqrt(500.0 / 3), offset(1e-12));   // sample stddev ≈ 12.91
        assertThat(stats.latest()).isEqualTo(20);

        Baseline.Comparison c = s.baseline().orElseThrow();
        assertThat(c.baselineValue()).isEqualTo(50);
        assertThat(c.difference()).isEqualTo(-25);
        assertThat(c.deviationPercent()).isEqualTo(50);
        assertThat(c.withinAcceptableRange()).isFalse();
        assertThat(c.assessment()).isEqualTo("better");
    }

    @Test
    void anAllZeroErrorRateIsComparedWithItsBaselineWithoutDividingByZero() {
        feed(MonitoredMetric.ERROR_RATE, 0, 0, 0);

        Baseline.Comparison c = summary(Duration.ofMinutes(60)).metrics().get(MonitoredMetric.ERROR_RATE).baseline().orElseThrow();

        assertThat(c.difference()).isEqualTo(-0.01);
        assertThat(c.deviationPercent()).isEqualTo(100);
        assertThat(c.withinAcceptableRange()).isTrue();
        assertThat(c.assessment()).isEqualTo("within");
    }

    @Test
    void assessmentFollowsEachMetricsPreferredDirection() {
        feed(MonitoredMetric.CONNECTION_SUCCESS_RATE, 0.5, 0.5);
        feed(MonitoredMetric.EVENTS_PER_SECOND, 500, 500);
        feed(MonitoredMetric.MEMORY_USAGE_MB, 400);
        Map<MonitoredMetric, PerformanceSummary.MetricSummary> m = summary(Duration.ofMinutes(60)).metrics();
        assertThat(m.get(MonitoredMetric.CONNECTION_SUCCESS_RATE).baseline().orElseThrow().assessment()).isEqualTo("worse");
        assertThat(m.get(MonitoredMetric.EVENTS_PER_SECOND).baseline().orElseThrow().assessment()).isEqualTo("outside");
        assertThat(m.get(MonitoredMetric.MEMORY_USAGE_MB).baseline().orElseThrow().assessment()).isEqualTo("worse");
    }

    @Test
    void aSingleSampleHasZeroStddevAndAnEmptyWindowOnlyACount() {
        feed(MonitoredMetric.QUEUE_SIZE, 7);
        Map<String, Object> json = summary(Duration.ofMinutes(60)).metricsJson();
        assertThat(json).containsOnlyKeys(MonitoredMetric.WIRE_NAMES);
        assertThat(json.get("queue_size")).isEqualTo(Map.of("count", 1, "min", 7.0, "max", 7.0, "mean", 7.0,
                "median", 7.0, "stddev", 0.0, "latest", 7.0));
        assertThat(json.get("active_connections")).isEqualTo(Map.of("count", 0));
    }

    @Test
    void samplesOlderThanTheWindowAreLeftOut() {
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 900);
        clock.advance(Duration.ofMinutes(10));
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 50, 60);
        SeriesStats stats = summary(Duration.ofMinutes(5)).metrics().get(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS)
                .stats().orElseThrow();
        assertThat(stats.count()).isEqualTo(2);
        assertThat(stats.max()).isEqualTo(60);
    }

    @Test
    void aBaselineOfZeroIsRejectedSoDeviationIsAlwaysDefined() {
        assertThatThrownBy(() -> new Baseline(0, 10)).hasMessageContaining("non-zero");
        assertThatThrownBy(() -> new Baseline(1, 0)).hasMessageContaining("positive");
    }
}
