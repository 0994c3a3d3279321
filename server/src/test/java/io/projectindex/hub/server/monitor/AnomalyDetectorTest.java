package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class AnomalyDetectorTest {
    private final FakeClock clock = new FakeClock();
    private final MetricHistory history = new MetricHistory(clock);
    private final AnomalyDetector detector = new AnomalyDetector(history, clock);

    private void feed(MonitoredMetric metric, double... values) {
        for (double v : values) {
            history.record(metric, v);
            clock.advance(Duration.ofSeconds(30));
        }
    }

    @Test
    void flagsTheSpikeInTwelveTensAndOneHundredAsHigh() {
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 10, 10, 10, 10, 10, 10, 100, 10, 10, 10, 10, 10, 10);

        List<Anomaly> found = detector.detect(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, Duration.ofMinutes(60));

        assertThat(found).hasSize(1);
        Anomaly a = found.get(0);
        assertThat(a.value()).isEqualTo(100);
        assertThat(a.zScore()).isCloseTo(3.328, offset(0.001));
        assertThat(a.severity()).isEqualTo(Anomaly.Severity.HIGH);
        assertThat(a.timestamp()).isEqualTo(clock.now().minus(Duration.ofSeconds(30 * 7)));
    }

    @Test
    void aDropCountsAsMuchAsASpikeAndModerateOutliersAreMedium() {
        // Mean ≈ 99.1, sample stddev ≈ 4.35: the 88 has z ≈ −2.56 → medium.
        feed(MonitoredMetric.EVENTS_PER_SECOND, 100, 104, 96, 102, 98, 100, 104, 96, 88, 102, 98, 100, 104, 96);
        List<Anomaly> found = detector.detect(MonitoredMetric.EVENTS_PER_SECOND, Duration.ofMinutes(60));
        assertThat(found).singleElement().satisfies(a -> {
            assertThat(a.value()).isEqualTo(88);
            assertThat(a.zScore()).isCloseTo(-2.563, offset(0.001));
            assertThat(a.severity()).isEqualTo(Anomaly.Severity.MEDIUM);
        });
    }

    @Test
    void aConstantSeriesHasNoAnomaliesAndNoDivisionByZero() {
        feed(MonitoredMetric.ERROR_RATE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        feed(MonitoredMetric.QUEUE_SIZE, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.1 + 0.2);
        assertThat(detector.detect(MonitoredMetric.ERROR_RATE, Duration.ofMinutes(60))).isEmpty();
        assertThat(detector.detect(MonitoredMetric.QUEUE_SIZE, Duration.ofMinutes(60))).isEmpty();
    }

    @Test
    void fewerThanTenPointsGiveNoAnomalies() {
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 10, 10, 10, 10, 10, 10, 10, 10, 1000);
        assertThat(detector.detect(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, Duration.ofMinutes(60))).isEmpty();
    }

    @Test
    void onlySamplesInsideTheWindowCount() {
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 1000);          // 40 minutes before the rest
        clock.advance(Duration.ofMinutes(40));
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11);
        assertThat(detector.detect(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, Duration.ofMinutes(30))).isEmpty();
        assertThat(detector.detect(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, Duration.ofMinutes(60)))
                .extracting(Anomaly::value).containsExactly(1000.0);
    }

    @Test
    void scanOfAnUnknownMetricNameIsAQueryErrorListingTheAllowedNames() {
        assertThatThrownBy(() -> detector.scan(Duration.ofMinutes(60), Optional.of("latency")))
                .isInstanceOfSatisfying(MonitorQueryException.class, e -> {
                    assertThat(e.parameter()).isEqualTo("metric_name");
                    assertThat(e.allowed()).containsExactlyElementsOf(MonitoredMetric.WIRE_NAMES);
                    assertThat(e.getMessage()).contains("'latency'", "event_delivery_latency_ms");
                });
    }

    @Test
    void scanReportsEveryMetricOrOneAndRendersTheDocumentedShape() {
        feed(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 10, 10, 10, 10, 10, 10, 100, 10, 10, 10, 10, 10, 10);

        AnomalyDetector.Report all = detector.scan(Duration.ofMinutes(60), Optional.empty());
        assertThat(all.anomalies()).containsOnlyKeys(MonitoredMetric.values());
        assertThat(all.anomaliesDetected()).isTrue();

        Map<String, Object> json = detector.scan(Duration.ofMinutes(60), Optional.of("event_delivery_latency_ms")).toJson();
        assertThat(json).containsOnlyKeys("timestamp", "window_minutes", "anomalies_detected", "anomalies");
        assertThat(json).containsEntry("window_minutes", 60L).containsEntry("anomalies_detected", true);
        @SuppressWarnings("unchecked")
        Map<String, List<Map<String, Object>>> byMetric = (Map<String, List<Map<String, Object>>>) json.get("anomalies");
        assertThat(byMetric).containsOnlyKeys("event_delivery_latency_ms");
        assertThat(byMetric.get("event_delivery_latency_ms")).singleElement().satisfies(a -> {
            assertThat(a).containsOnlyKeys("timestamp", "value", "z_score", "severity");
            assertThat(a).containsEntry("severity", "high").containsEntry("timestamp", "2025-01-15T12:03:00.000Z");
        });
    }
}
