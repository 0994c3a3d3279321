package io.projectindex.hub.server.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.projectindex.hub.server.filter.SampleEvents.progress;
import static org.assertj.core.api.Assertions.assertThat;

class ProgressGateTest {

    /** Feeds the sequence through a gate, recording what it admits as delivered; returns the delivered percentages. */
    private static List<Double> run(int step, double... percentages) {
        ProgressGate gate = new ProgressGate();
        List<Double> out = new ArrayList<>();
        for (double p : percentages) {
            EventFacts f = progress(p, 0);
            if (gate.admits(f, step)) {
                gate.delivered(f);
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void theProtocolExampleWithStep25DeliversTheCrossings() {
        assertThat(run(25, 10, 24, 26, 49, 51, 75, 80, 100)).containsExactly(10.0, 26.0, 51.0, 75.0, 100.0);
    }

    @ParameterizedTest(name = "step {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            25 | 24 26            | 24 26
            25 | 26 49            | 26
            25 | 26 50            | 26 50
            25 | 10 99 100 100    | 10 99 100 100
            25 | 0 5 30 30 60     | 0 30 60
            10 | 5 8 12 95 96     | 5 12 95
            33 | 0 32 33 65 66 99 | 0 33 66 99
            25 | 60 30 74 76      | 60 76
            25 | 24.9 25.0        | 24.9 25.0
            0  | 1 2 3            | 1 2 3
            """)
    void deliversOnlyWhenAMultipleOfTheStepIsCrossedSinceTheLastDelivered(int step, String input, String expected) {
        double[] in = Arrays.stream(input.split(" ")).mapToDouble(Double::parseDouble).toArray();
        List<Double> want = Arrays.stream(expected.split(" ")).map(Double::parseDouble).toList();
        assertThat(run(step, in)).isEqualTo(want);
    }

    @Test
    void aJumpFrom24To26CrossesTheStep() {
        ProgressGate gate = new ProgressGate();
        gate.delivered(progress(24, 0));
        assertThat(gate.admits(progress(26, 0), 25)).isTrue();
    }

    @Test
    void from26To49DoesNotCross50() {
        ProgressGate gate = new ProgressGate();
        gate.delivered(progress(26, 0));
        assertThat(gate.admits(progress(49, 0), 25)).isFalse();
    }

    @Test
    void oneHundredAlwaysPasses() {
        ProgressGate gate = new ProgressGate();
        gate.delivered(progress(100, 0));
        assertThat(gate.admits(progress(100, 0), 50)).isTrue();
        assertThat(gate.admits(progress(100, 0), 100)).isTrue();
    }

    @Test
    void aNewErrorAlwaysPassesButAnOldOneDoesNot() {
        ProgressGate gate = new ProgressGate();
        gate.delivered(progress(30, 0));
        assertThat(gate.admits(progress(31, 1), 25)).isTrue();
        gate.delivered(progress(31, 1));
        assertThat(gate.admits(progress(32, 1), 25)).isFalse();
        assertThat(gate.admits(progress(33, 2), 25)).isTrue();
    }

    @Test
    void anAbsentErrorCountIsNeverANewErrorAndDoesNotLowerTheRecordedOne() {
        ProgressGate gate = new ProgressGate();
        EventFacts noErrors = SampleEvents.factsOf("""
                {"type":"analysis_progress","data":{"session_id":"%s","progress_percentage":30}}""".formatted(SampleEvents.SESSION));
        gate.delivered(noErrors);
        assertThat(gate.admits(progress(31, 0), 25)).isFalse();
        gate.delivered(progress(52, 3));
        gate.delivered(SampleEvents.factsOf("""
                {"type":"analysis_progress","data":{"session_id":"%s","progress_percentage":76}}""".formatted(SampleEvents.SESSION)));
        assertThat(gate.admits(progress(77, 3), 25)).isFalse();
        assertThat(gate.admits(progress(77, 4), 25)).isTrue();
    }

    @Test
    void aDroppedEventDoesNotMoveTheReferencePoint() {
        ProgressGate gate = new ProgressGate();
        gate.delivered(progress(10, 0));
        // 26 would pass, but the caller dropped it for another reason and never called delivered
        assertThat(gate.admits(progress(26, 0), 25)).isTrue();
        assertThat(gate.admits(progress(30, 0), 25)).isTrue();
    }

    @Test
    void sessionsAreTrackedIndependently() {
        ProgressGate gate = new ProgressGate();
        String other = SampleEvents.randomSession();
        gate.delivered(progress(10, 0));
        assertThat(gate.admits(progress(other, 12, 0), 25)).isTrue();
        gate.delivered(progress(other, 12, 0));
        assertThat(gate.admits(progress(20, 0), 25)).isFalse();
        assertThat(gate.admits(progress(other, 20, 0), 25)).isFalse();
        assertThat(gate.trackedSessions()).isEqualTo(2);
    }

    @Test
    void stateIsBoundedAndTheLeastRecentlyDeliveredSessionIsForgottenFirst() {
        ProgressGate gate = new ProgressGate(3);
        String a = SampleEvents.randomSession();
        String b = SampleEvents.randomSession();
        String c = SampleEvents.randomSession();
        String d = SampleEvents.randomSession();
        gate.delivered(progress(a, 10, 0));
        gate.delivered(progress(b, 10, 0));
        gate.delivered(progress(c, 10, 0));
        gate.delivered(progress(a, 11, 0)); // a is now the most recent
        gate.delivered(progress(d, 10, 0)); // evicts b
        assertThat(gate.trackedSessions()).isEqualTo(3);
        assertThat(gate.admits(progress(a, 12, 0), 25)).isFalse();
        assertThat(gate.admits(progress(b, 12, 0), 25)).as("forgotten, so first seen again").isTrue();
        assertThat(gate.admits(progress(c, 12, 0), 25)).isFalse();
    }

    @Test
    void otherEventTypesAndAStepOfZeroAlwaysPass() {
        ProgressGate gate = new ProgressGate();
        gate.delivered(SampleEvents.facts("dep"));
        assertThat(gate.trackedSessions()).isZero();
        assertThat(gate.admits(SampleEvents.facts("dep"), 25)).isTrue();
        gate.delivered(progress(10, 0));
        assertThat(gate.admits(progress(11, 0), 0)).isTrue();
    }

    @Test
    void aProgressEventWithoutAPercentageIsNotAdmittedWhileAStepIsSet() {
        EventFacts noPercentage = SampleEvents.factsOf("""
                {"type":"analysis_progress","data":{"session_id":"%s","progress_percentage":"half"}}""".formatted(SampleEvents.SESSION));
        ProgressGate gate = new ProgressGate();
        assertThat(gate.admits(noPercentage, 25)).isFalse();
        assertThat(gate.admits(noPercentage, 0)).isTrue();
    }
}
