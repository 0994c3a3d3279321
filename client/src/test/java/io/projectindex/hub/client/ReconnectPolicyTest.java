package io.projectindex.hub.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backoff delays, jitter, the longer wait after 4029, and attempt limits. */
class ReconnectPolicyTest {

    @Test
    void delaysGrowExponentiallyUpToTheMaximumAndJitterOnlyShortensThem() {
        ReconnectPolicy p = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(1000));
        // attempt, close code, random, expected millis
        Object[][] table = {
                {1, 1006, 0.0, 100L},
                {2, 1006, 0.0, 200L},
                {3, 4008, 0.0, 400L},
                {4, 4000, 0.0, 800L},
                {5, 1001, 0.0, 1000L},
                {40, 1006, 0.0, 1000L},
                {1, 1006, 0.999, 50L},
                {3, 1006, 0.5, 300L},
                {5, 1006, 1.0, 500L},
        };
        for (Object[] row : table) {
            Duration d = p.delay((int) row[0], (int) row[1], (double) row[2]);
            assertThat(d.toMillis()).as("attempt %s code %s random %s", row[0], row[1], row[2]).isEqualTo(row[3]);
        }
    }

    @Test
    void aConnectionLimitCloseWaitsAtLeastTheLimitReachedDelay() {
        ReconnectPolicy p = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(60))
                .withLimitReachedDelay(Duration.ofSeconds(15));

        assertThat(p.delay(1, 4029, 0.9).toMillis()).isEqualTo(15_000);
        assertThat(p.delay(10, 4029, 0.0).toMillis()).isEqualTo(51_200);
        assertThat(p.delay(1, 4008, 0.0).toMillis()).isEqualTo(100);
    }

    @Test
    void attemptsAreLimitedOnlyWhenAskedAndNeverWhenDisabled() {
        assertThat(ReconnectPolicy.DEFAULT.allows(1_000_000)).isTrue();
        ReconnectPolicy three = ReconnectPolicy.DEFAULT.withMaxAttempts(3);
        assertThat(three.allows(3)).isTrue();
        assertThat(three.allows(4)).isFalse();
        assertThat(ReconnectPolicy.disabled().allows(1)).isFalse();
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> ReconnectPolicy.DEFAULT.withJitter(1.5)).hasMessageContaining("jitter must be 0..1, was 1.5");
        assertThatThrownBy(() -> ReconnectPolicy.DEFAULT.withMaxAttempts(-1)).hasMessageContaining("maxAttempts");
    }
}
