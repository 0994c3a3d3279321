package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class MetricSamplerTest {
    private final FakeClock clock = new FakeClock();
    private final MetricHistory history = new MetricHistory(clock);
    private final AtomicReference<MonitorSnapshot> snapshot = new AtomicReference<>(MonitorSnapshot.IDLE);
    private final MetricSampler sampler = new MetricSampler(clock, history, snapshot::get);

    @Test
    void ratesCoverOneIntervalFromTheDifferenceOfTwoSnapshots() {
        // 30 s: 300 publishes + 3 failures, 600 deliveries taking 30,000 ms in all, 9 errors out of
        // 300 + 3 + 600 + 87 messages + 10 attempts = 1000 operations, 9 of 10 handshakes accepted.
        snapshot.set(new MonitorSnapshot(300, 3, 600, 600, 30_000, 9, 87, 9, 1, 9, 42, 256L << 20));
        clock.advance(Duration.ofSeconds(30));

        Sample s = sampler.sample();

        assertThat(s.timestamp()).isEqualTo(clock.now());
        assertThat(s.value(MonitoredMetric.EVENTS_PER_SECOND)).hasValue(10.0);
        assertThat(s.value(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS)).hasValue(50.0);
        assertThat(s.value(MonitoredMetric.ERROR_RATE)).hasValue(0.009);
        assertThat(s.value(MonitoredMetric.CONNECTION_SUCCESS_RATE)).hasValue(0.9);
        assertThat(s.value(MonitoredMetric.PUBLISH_SUCCESS_RATE).getAsDouble()).isCloseTo(300.0 / 303, offset(1e-12));
        assertThat(s.value(MonitoredMetric.ACTIVE_CONNECTIONS)).hasValue(9.0);
        assertThat(s.value(MonitoredMetric.QUEUE_SIZE)).hasValue(42.0);
        assertThat(s.value(MonitoredMetric.MEMORY_USAGE_MB)).hasValue(256.0);
        assertThat(history.latest(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS)).get()
                .extracting(MetricSample::value).isEqualTo(50.0);

        // The next interval only sees what happened in it.
        snapshot.set(new MonitorSnapshot(330, 3, 610, 610, 30_000 + 10 * 700, 9, 87, 9, 1, 9, 0, 256L << 20));
        clock.advance(Duration.ofSeconds(30));
        Sample next = sampler.sample();
        assertThat(next.value(MonitoredMetric.EVENTS_PER_SECOND)).hasValue(1.0);
        assertThat(next.value(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS)).hasValue(700.0);
        assertThat(next.value(MonitoredMetric.ERROR_RATE)).hasValue(0.0);
        assertThat(next.value(MonitoredMetric.CONNECTION_SUCCESS_RATE)).isEmpty();
    }

    @Test
    void anIdleIntervalLeavesUndefinedRatesOutInsteadOfReportingZeroOrOne() {
        clock.advance(Duration.ofSeconds(30));
        Sample s = sampler.sample();
        assertThat(s.values()).containsOnlyKeys(MonitoredMetric.EVENTS_PER_SECOND, MonitoredMetric.ACTIVE_CONNECTIONS,
                MonitoredMetric.QUEUE_SIZE, MonitoredMetric.MEMORY_USAGE_MB);
        assertThat(s.value(MonitoredMetric.EVENTS_PER_SECOND)).hasValue(0.0);
    }

    @Test
    void twoSamplesAtTheSameInstantDoNotDivideByZero() {
        snapshot.set(new MonitorSnapshot(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        Sample s = sampler.sample();
        assertThat(s.value(MonitoredMetric.EVENTS_PER_SECOND)).isEmpty();
        assertThat(s.value(MonitoredMetric.PUBLISH_SUCCESS_RATE)).hasValue(1.0);
    }

    @Test
    void aCounterThatWentBackwardsCountsAsRestartedFromZero() {
        snapshot.set(new MonitorSnapshot(100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        clock.advance(Duration.ofSeconds(10));
        sampler.sample();
        snapshot.set(new MonitorSnapshot(20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        clock.advance(Duration.ofSeconds(10));
        assertThat(sampler.sample().value(MonitoredMetric.EVENTS_PER_SECOND)).hasValue(2.0);
    }
}
