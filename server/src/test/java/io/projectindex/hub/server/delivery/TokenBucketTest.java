package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {
    private final FakeClock clock = new FakeClock();

    @Test
    void aNewBucketAllowsExactlyItsCapacityNotOneMore() {
        TokenBucket bucket = new TokenBucket(100, 10.0, clock);

        int granted = 0;
        while (bucket.tryAcquire()) {
            granted++;
            assertThat(granted).isLessThanOrEqualTo(100);
        }

        assertThat(granted).isEqualTo(100);
        assertThat(bucket.available()).isZero();
    }

    @Test
    void tokensRefillContinuouslyAtTheConfiguredRate() {
        TokenBucket bucket = new TokenBucket(100, 10.0, clock);
        drain(bucket);

        clock.advanceMillis(99);
        assertThat(bucket.tryAcquire()).isFalse();
        clock.advanceMillis(1);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isFalse();

        clock.advanceMillis(250);
        assertThat(bucket.available()).isEqualTo(2);
        assertThat(bucket.tryAcquire()).isTrue();
        assertThat(bucket.tryAcquire()).isTrue();
        clock.advanceMillis(49);
        assertThat(bucket.tryAcquire()).as("half a token left over plus 0.49").isFalse();
        clock.advanceMillis(1);
        assertThat(bucket.tryAcquire()).isTrue();
    }

    @Test
    void refillNeverExceedsTheCapacity() {
        TokenBucket bucket = new TokenBucket(100, 10.0, clock);
        drain(bucket);

        clock.advance(Duration.ofHours(1));

        assertThat(bucket.available()).isEqualTo(100);
        assertThat(drain(bucket)).isEqualTo(100);
    }

    @Test
    void itSaysWhenTheNextTokenArrivesSoTheCallerCanSetATimer() {
        TokenBucket bucket = new TokenBucket(100, 10.0, clock);
        assertThat(bucket.nanosUntilAvailable()).isZero();
        drain(bucket);

        assertThat(bucket.nanosUntilAvailable()).isEqualTo(100_000_000L);
        clock.advanceMillis(30);
        assertThat(bucket.nanosUntilAvailable()).isEqualTo(70_000_000L);
        assertThat(bucket.nanosUntil(5)).isEqualTo(470_000_000L);
        assertThat(bucket.nanosUntil(1000)).as("capped at the capacity").isEqualTo(9_970_000_000L);

        clock.advance(Duration.ofNanos(bucket.nanosUntilAvailable()));
        assertThat(bucket.tryAcquire()).isTrue();
    }

    @Test
    void aFractionalRateStillGrantsTheTokenAtTheAnnouncedTime() {
        TokenBucket bucket = new TokenBucket(1, 3.0, clock);
        drain(bucket);
        for (int i = 0; i < 30; i++) {
            long wait = bucket.nanosUntilAvailable();
            assertThat(wait).isBetween(1L, 333_333_334L);
            clock.advance(Duration.ofNanos(wait - 1_000));
            assertThat(bucket.tryAcquire()).as("one microsecond early, round %d", i).isFalse();
            clock.advance(Duration.ofNanos(1_000));
            assertThat(bucket.tryAcquire()).as("on time, round %d", i).isTrue();
        }
    }

    @Test
    void acquiringSeveralTokensIsAllOrNothing() {
        TokenBucket bucket = new TokenBucket(10, 10.0, clock);
        assertThat(bucket.tryAcquire(7)).isTrue();
        assertThat(bucket.tryAcquire(4)).isFalse();
        assertThat(bucket.available()).isEqualTo(3);
        assertThat(bucket.tryAcquire(3)).isTrue();
    }

    @ParameterizedTest(name = "capacity {0}, refill {1}/s: enabled={2}")
    @CsvSource({"0, 10.0, false", "100, 0, false", "0, 0, false", "1, 0.001, true"})
    void zeroCapacityOrZeroRateDisablesTheBucket(int capacity, double refill, boolean enabled) {
        TokenBucket bucket = new TokenBucket(capacity, refill, clock);

        assertThat(bucket.enabled()).isEqualTo(enabled);
        int granted = 0;
        for (int i = 0; i < 1000; i++) {
            if (bucket.tryAcquire()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(enabled ? capacity : 1000);
        assertThat(bucket.nanosUntilAvailable()).isEqualTo(enabled ? 1_000_000_000_000L : 0);
    }

    private static int drain(TokenBucket bucket) {
        int n = 0;
        while (bucket.tryAcquire()) {
            n++;
        }
        return n;
    }
}
