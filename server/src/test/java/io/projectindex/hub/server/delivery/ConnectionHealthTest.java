package io.projectindex.hub.server.delivery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConnectionHealthTest {
    private static final long MS = 1_000_000L;
    private static final long HOUR = 3_600_000 * MS;

    @Test
    void theOriginalsVerifiedValuesHold() {
        ConnectionHealth health = new ConnectionHealth(0);
        assertThat(health.score(0)).isEqualTo(1.0);

        health.recordWrite(true, 200 * MS);
        assertThat(health.score(0)).isCloseTo(0.9, within(1e-9));

        health.recordWrite(false, 5 * MS);
        assertThat(health.score(0)).as("failures do not move the latency average").isCloseTo(0.45, within(1e-9));

        health.recordViolation();
        health.recordViolation();
        health.recordViolation();
        assertThat(health.score(0)).isCloseTo(0.315, within(1e-9));
    }

    @Test
    void latencyIsAnExponentialAverageStartingWithTheFirstSample() {
        ConnectionHealth health = new ConnectionHealth(0);
        health.recordWrite(true, 0);
        assertThat(health.averageLatencyMillis()).isZero();
        health.recordWrite(true, 100 * MS);
        assertThat(health.averageLatencyMillis()).isCloseTo(20.0, within(1e-9));
        health.recordWrite(true, 100 * MS);
        assertThat(health.averageLatencyMillis()).isCloseTo(36.0, within(1e-9));
    }

    @Test
    void violationsCostAtMostHalfAndAgeAddsAtMostATenth() {
        ConnectionHealth health = new ConnectionHealth(0);
        for (int i = 0; i < 50; i++) {
            health.recordViolation();
        }
        assertThat(health.score(0)).isCloseTo(0.5, within(1e-9));
        assertThat(health.score(HOUR)).as("one hour is not more than an hour").isCloseTo(0.5, within(1e-9));
        assertThat(health.score(HOUR * 3 / 2)).isCloseTo(0.5625, within(1e-9));
        assertThat(health.score(12 * HOUR)).as("age adds at most 0.1").isCloseTo(0.6, within(1e-9));

        ConnectionHealth perfect = new ConnectionHealth(0);
        assertThat(perfect.score(48 * HOUR)).as("clamped to 1").isEqualTo(1.0);
    }
}
