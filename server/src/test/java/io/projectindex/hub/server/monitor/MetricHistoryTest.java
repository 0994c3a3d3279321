package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MetricHistoryTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void aFullRingKeepsTheNewestSamplesOldestFirst() {
        MetricHistory history = new MetricHistory(clock, 3);
        for (int i = 1; i <= 5; i++) {
            history.record(MonitoredMetric.QUEUE_SIZE, i);
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(history.window(MonitoredMetric.QUEUE_SIZE, Duration.ofDays(1))).extracting(MetricSample::value)
                .containsExactly(3.0, 4.0, 5.0);
        assertThat(history.latest(MonitoredMetric.QUEUE_SIZE)).get().extracting(MetricSample::value).isEqualTo(5.0);
        assertThat(history.recorded(MonitoredMetric.QUEUE_SIZE)).isEqualTo(5);
        assertThat(history.window(MonitoredMetric.ERROR_RATE, Duration.ofDays(1))).isEmpty();
    }

    @Test
    void windowsIncludeTheirStartAndExcludeOlderSamples() {
        MetricHistory history = new MetricHistory(clock);
        history.record(MonitoredMetric.ACTIVE_CONNECTIONS, 1);
        clock.advance(Duration.ofMinutes(5));
        history.record(MonitoredMetric.ACTIVE_CONNECTIONS, 2);
        assertThat(history.window(MonitoredMetric.ACTIVE_CONNECTIONS, Duration.ofMinutes(5))).hasSize(2);
        assertThat(history.window(MonitoredMetric.ACTIVE_CONNECTIONS, Duration.ofMinutes(4))).extracting(MetricSample::value)
                .containsExactly(2.0);
    }

    @Test
    void recentIgnoresAStaleValue() {
        MetricHistory history = new MetricHistory(clock);
        assertThat(history.recent(MonitoredMetric.ERROR_RATE, Duration.ofMinutes(1))).isEmpty();
        history.record(MonitoredMetric.ERROR_RATE, 0.5);
        clock.advance(Duration.ofSeconds(60));
        assertThat(history.recent(MonitoredMetric.ERROR_RATE, Duration.ofMinutes(1))).hasValue(0.5);
        clock.advance(Duration.ofMillis(1));
        assertThat(history.recent(MonitoredMetric.ERROR_RATE, Duration.ofMinutes(1))).isEmpty();
    }
}
