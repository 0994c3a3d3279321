package io.projectindex.hub.cli.loadtest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {

    @ParameterizedTest(name = "[{0}] up to {1}: {2} received, {3} gaps, {4} missing, {5} dup/ooo")
    @CsvSource(delimiter = ';', value = {
            "1 2 3 4 5;     5; 5; 0; 0; 0",
            "1 2 3;         5; 3; 0; 2; 0",   // the tail never came
            "'';            3; 0; 0; 3; 0",   // nothing came
            "1 2 4 5;       5; 4; 1; 1; 0",
            "3 4 5;         5; 3; 1; 2; 0",   // the head was lost
            "1 2 2 3;       3; 3; 0; 0; 1",   // a duplicate
            "1 3 2;         3; 2; 1; 1; 1",   // reordered: counted as a gap and as out of order
            "1 5 9;        10; 3; 2; 7; 0",
    })
    void gapsDuplicatesAndMissingOffsetsAreCountedAgainstTheLastPublishedOffset(String offsets, long lastPublished,
                                                                                long received, long gaps, long missing,
                                                                                long backwards) {
        OffsetTracker t = new OffsetTracker(1);
        if (!offsets.isBlank()) {
            Arrays.stream(offsets.trim().split(" ")).mapToLong(Long::parseLong).forEach(t::accept);
        }
        assertThat(t.received()).as("received").isEqualTo(received);
        assertThat(t.gaps()).as("gaps").isEqualTo(gaps);
        assertThat(t.missing(lastPublished)).as("missing").isEqualTo(missing);
        assertThat(t.duplicatesOrOutOfOrder()).as("duplicates or out of order").isEqualTo(backwards);
    }

    @ParameterizedTest(name = "{0} after 1 2 3 is {1}")
    @CsvSource({"4, IN_ORDER", "6, AFTER_GAP", "3, DUPLICATE_OR_OUT_OF_ORDER", "1, DUPLICATE_OR_OUT_OF_ORDER"})
    void eachArrivalIsClassified(long offset, OffsetTracker.Outcome expected) {
        OffsetTracker t = new OffsetTracker(1);
        t.accept(1);
        t.accept(2);
        t.accept(3);
        assertThat(t.accept(offset)).isEqualTo(expected);
    }
}
