package io.projectindex.hub.cli.loadtest;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencySummaryTest {

    @Test
    void percentilesOfOneToAThousandMillisecondsAreTheMatchingRanksInMilliseconds() {
        Histogram h = LatencySummary.newHistogram();
        for (int ms = 1; ms <= 1000; ms++) {
            h.recordValue(ms * 1000L);
        }
        LatencySummary s = LatencySummary.of(h);
        assertThat(s.count()).isEqualTo(1000);
        // 3 significant digits: each value is exact to within 0.1 %.
        assertThat(s.p50Millis()).isCloseTo(500, within(0.5));
        assertThat(s.p90Millis()).isCloseTo(900, within(0.9));
        assertThat(s.p99Millis()).isCloseTo(990, within(1.0));
        assertThat(s.p999Millis()).isCloseTo(999, within(1.0));
        assertThat(s.maxMillis()).isCloseTo(1000, within(1.0));
        assertThat(s.meanMillis()).isCloseTo(500.5, within(0.5));
    }

    @Test
    void oneSlowOutlierInAHundredShowsAtP99ButNotAtP90() {
        Histogram h = LatencySummary.newHistogram();
        for (int i = 0; i < 98; i++) {
            h.recordValue(2_000); // 2 ms
        }
        h.recordValue(40_000);
        h.recordValue(40_000); // 2 % at 40 ms
        LatencySummary s = LatencySummary.of(h);
        assertThat(s.p50Millis()).isCloseTo(2.0, within(0.01));
        assertThat(s.p90Millis()).isCloseTo(2.0, within(0.01));
        assertThat(s.p99Millis()).isCloseTo(40.0, within(0.05));
        assertThat(s.meanMillis()).isCloseTo(2.76, within(0.01));
    }

    @Test
    void anEmptyHistogramSummarisesToZeros() {
        assertThat(LatencySummary.of(LatencySummary.newHistogram())).isEqualTo(LatencySummary.EMPTY);
    }

    @ParameterizedTest(name = "{0} ns -> {1} µs")
    @CsvSource({"1500000, 1500", "999, 0", "-5000, 0", "99999999999999, 3600000000"})
    void nanosecondsAreClampedIntoTheHistogramsMicrosecondRange(long nanos, long micros) {
        assertThat(LatencySummary.toMicros(nanos)).isEqualTo(micros);
    }
}
