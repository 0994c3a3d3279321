package io.projectindex.hub.server.broker;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The publish rate limit's arithmetic (the same as ratelimit.lua), on a fake clock. */
class GcraTest {
    private final FakeClock clock = new FakeClock();
    private final Gcra gcra = new Gcra(clock, 10, 5);

    @Test
    void aBurstIsAdmittedThenTheRateHolds() {
        for (int i = 0; i < 5; i++) {
            assertThat(gcra.acquire("p", 1)).isZero();
        }
        long wait = gcra.acquire("p", 1);
        assertThat(wait).isEqualTo(Duration.ofMillis(100).toNanos());
        clock.advance(Duration.ofMillis(99));
        assertThat(gcra.acquire("p", 1)).isPositive();
        clock.advance(Duration.ofMillis(1));
        assertThat(gcra.acquire("p", 1)).isZero();
        assertThat(gcra.acquire("other", 5)).as("publishers have their own buckets").isZero();
    }

    @Test
    void aBatchLargerThanTheBurstIsAdmittedOnAFullBucketAndPaidForAfterwards() {
        assertThat(gcra.acquire("p", 20)).isZero();
        long wait = gcra.acquire("p", 1);
        // 20 events owe 2 s of rate; one more is admitted once at most 4 are owed: after 1.6 s.
        assertThat(wait).isEqualTo(Duration.ofMillis(1600).toNanos());
        clock.advance(Duration.ofSeconds(2));
        assertThat(gcra.acquire("p", 5)).isZero();
        assertThat(gcra.acquire("p", 1)).isPositive();
    }

    @Test
    void anIdleBucketRefillsToTheBurstButNoFurther() {
        assertThat(gcra.acquire("p", 5)).isZero();
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            assertThat(gcra.acquire("p", 1)).isZero();
        }
        assertThat(gcra.acquire("p", 1)).isPositive();
    }
}
