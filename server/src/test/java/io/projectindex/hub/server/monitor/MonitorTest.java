package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MonitorTest {
    private final FakeClock clock = new FakeClock();
    private final HubMetrics metrics = new HubMetrics(false);

    @AfterEach
    void close() {
        metrics.close();
    }

    private Monitor monitor() {
        return Monitor.create(HubConfig.of(Map.of()), clock, metrics,
                history -> HubHealthChecks.standard(history, Duration.ofSeconds(30), metrics::activeConnections, 1000,
                        "memory", () -> CompletableFuture.completedFuture(null), Optional.empty(),
                        () -> new MemoryStatus(100L << 20, 10, 1000, 0)),
                AlertNotifier.NONE);
    }

    @Test
    void slowDeliveriesRecordedOnTheHotPathFireTheLatencyAlertOnTheNextTick() {
        Monitor monitor = monitor();
        for (int i = 0; i < 4; i++) {
            metrics.published(EventType.ANALYSIS_PROGRESS).increment();
            metrics.delivered(EventType.ANALYSIS_PROGRESS).increment();
            metrics.deliveryDuration(EventType.ANALYSIS_PROGRESS).record(Duration.ofMillis(800));
        }
        clock.advance(Duration.ofSeconds(30));

        Sample sample = monitor.tick();

        assertThat(sample.value(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS)).hasValue(800.0);
        assertThat(monitor.alerts().active()).extracting(a -> a.rule().name()).containsExactly("high_delivery_latency");
        assertThat(monitor.performance(Duration.ofMinutes(60)).metrics().get(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS)
                .stats()).get().extracting(SeriesStats::count).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        monitor.tick();                                   // no deliveries in this interval
        assertThat(monitor.alerts().active()).isEmpty();
        assertThat(monitor.alerts().recent()).hasSize(1);
    }

    @Test
    void healthOfAFreshHubIsHealthyAndSetsTheHealthScoreGauge() throws Exception {
        Monitor monitor = monitor();
        assertThat(metrics.healthScore()).isNaN();
        HealthReport report = monitor.checkHealth().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(report.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(metrics.healthScore()).isEqualTo(1.0);
    }

    @Test
    void anomaliesUseTheConfiguredWindowAndRejectUnknownMetrics() {
        Monitor monitor = monitor();
        assertThat(monitor.anomalyWindow()).isEqualTo(Duration.ofMinutes(60));
        assertThat(monitor.anomalies(monitor.anomalyWindow(), Optional.of("queue_size")).anomalies())
                .containsOnlyKeys(MonitoredMetric.QUEUE_SIZE);
        assertThatThrownBy(() -> monitor.anomalies(monitor.anomalyWindow(), Optional.of("cpu")))
                .isInstanceOf(MonitorQueryException.class);
    }

    @Test
    void windowMinutesIsParsedStrictly() {
        Duration fallback = Duration.ofMinutes(60);
        assertThat(Monitor.window(null, fallback)).isEqualTo(fallback);
        assertThat(Monitor.window(" ", fallback)).isEqualTo(fallback);
        assertThat(Monitor.window("15", fallback)).isEqualTo(Duration.ofMinutes(15));
        assertThat(Monitor.window("10080", fallback)).isEqualTo(Duration.ofDays(7));
        for (String bad : List.of("0", "-5", "10081", "1.5", "an hour")) {
            assertThatThrownBy(() -> Monitor.window(bad, fallback)).isInstanceOfSatisfying(MonitorQueryException.class,
                    e -> assertThat(e.parameter()).isEqualTo("window_minutes"));
        }
    }
}
