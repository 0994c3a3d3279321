package io.projectindex.hub.server.filter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FilterCountsTest {

    @Test
    void filteredEventsAreCountedByReasonAndPassesAreNot() {
        FilterCounts counts = new FilterCounts();
        counts.record(FilterDecision.PASS);
        counts.record(FilterDecision.RELEVANCE);
        counts.record(FilterDecision.RELEVANCE);
        counts.record(FilterDecision.PROGRESS_THRESHOLD);
        assertThat(counts.total()).isEqualTo(3);
        assertThat(counts.count(FilterDecision.RELEVANCE)).isEqualTo(2);
        assertThat(counts.byReason()).containsExactly(
                java.util.Map.entry("global_rule", 0L), java.util.Map.entry("relevance", 2L),
                java.util.Map.entry("language", 0L), java.util.Map.entry("ignored_pattern", 0L),
                java.util.Map.entry("rule", 0L), java.util.Map.entry("progress_threshold", 1L));
    }
}
