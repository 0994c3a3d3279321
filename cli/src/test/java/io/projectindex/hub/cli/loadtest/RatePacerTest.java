package io.projectindex.hub.cli.loadtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RatePacerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long START = 5 * SECOND;

    @ParameterizedTest(name = "{0}/s after {1} ms: {2} due")
    @CsvSource({
            "100, 0, 1",
            "100, 9, 1",
            "100, 10, 2",
            "100, 999, 100",
            "100, 1000, 101",
            "0.5, 1999, 1",
            "0.5, 2000, 2",
            "50000, 1, 51",
            "100, 60000, 1000",  // capped by maxUnits
            "0, 5000, 0",        // rate 0: nothing ever due
    })
    void theFirstUnitIsDueAtTheStartAndOnePerIntervalAfterItUpToTheCap(double rate, long millis, long due) {
        RatePacer pacer = new RatePacer(rate, START, 1000);
        assertThat(pacer.dueBy(START + millis * 1_000_000)).isEqualTo(due);
    }

    @Test
    void nothingIsDueBeforeTheStart() {
        assertThat(new RatePacer(100, START, 10).dueBy(START - 1)).isZero();
    }

    @Test
    void takeHandsOutEachUnitOnceAndABacklogAtOnceWithinTheCapPerCall() {
        RatePacer pacer = new RatePacer(1000, START, 10_000);
        assertThat(pacer.take(START, 100)).isEqualTo(1);
        assertThat(pacer.take(START, 100)).isZero();
        // 50 ms late: 50 more units are due; a caller with room for 20 gets 20 and stays 30 behind.
        long late = START + 50 * 1_000_000L;
        assertThat(pacer.take(late, 20)).isEqualTo(20);
        assertThat(pacer.behind(late)).isEqualTo(30);
        assertThat(pacer.take(late, 100)).isEqualTo(30);
        assertThat(pacer.behind(late)).isZero();
        assertThat(pacer.taken()).isEqualTo(51);
    }

    @Test
    void theAverageRateHoldsOverASecondPolledEveryMillisecond() {
        RatePacer pacer = new RatePacer(333, START, Long.MAX_VALUE);
        long total = 0;
        for (long t = START; t < START + SECOND; t += 1_000_000) {
            total += pacer.take(t, Integer.MAX_VALUE);
        }
        assertThat(total).isEqualTo(333);
    }

    @Test
    void theCapEndsThePacingAndNanosUntilNextSaysWhenTheNextUnitIsDue() {
        RatePacer pacer = new RatePacer(10, START, 2);
        assertThat(pacer.nanosUntilNext(START)).isZero();
        assertThat(pacer.take(START, 5)).isEqualTo(1);
        assertThat(pacer.nanosUntilNext(START)).isEqualTo(100_000_000L);
        assertThat(pacer.nanosUntilNext(START + 60_000_000L)).isEqualTo(40_000_000L);
        assertThat(pacer.take(START + 100_000_000L, 5)).isEqualTo(1);
        assertThat(pacer.exhausted()).isTrue();
        assertThat(pacer.nanosUntilNext(START + SECOND)).isEqualTo(-1);
        assertThat(pacer.take(START + 10 * SECOND, 5)).isZero();
    }

    @Test
    void aNegativeOrInfiniteRateIsRefused() {
        assertThatThrownBy(() -> new RatePacer(-1, 0, 1)).hasMessageContaining("rate must be");
        assertThatThrownBy(() -> new RatePacer(Double.POSITIVE_INFINITY, 0, 1)).hasMessageContaining("rate must be");
        assertThatThrownBy(() -> new RatePacer(Double.NaN, 0, 1)).hasMessageContaining("rate must be");
    }
}
