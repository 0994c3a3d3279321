package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.filter.FilterSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.projectindex.hub.server.filter.CompiledFilterTest.spec;
import static io.projectindex.hub.server.filter.SampleEvents.progress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterGroupsTest {
    private final FilterGroups groups = new FilterGroups();

    @Test
    void equalSpecsShareOneGroupAndTheLastReleaseForgetsIt() {
        FilterGroup a = groups.acquire(spec("{\"high_impact_only\":true,\"preferred_languages\":[\"python\"]}"));
        FilterGroup b = groups.acquire(spec("{\"preferred_languages\":[\"python\"],\"high_impact_only\":true}"));
        FilterGroup c = groups.acquire(spec("{\"high_impact_only\":false}"));
        assertThat(b).isSameAs(a);
        assertThat(a.references()).isEqualTo(2);
        assertThat(groups.distinct()).isEqualTo(2);
        groups.release(a);
        assertThat(groups.distinct()).isEqualTo(2);
        groups.release(b);
        assertThat(groups.distinct()).isEqualTo(1);
        assertThat(groups.groups()).containsExactly(c);
        assertThat(groups.acquire(spec("{\"high_impact_only\":true,\"preferred_languages\":[\"python\"]}"))).isNotSameAs(a);
    }

    @Test
    void releasingTooOftenOrIntoAnotherShardFailsLoudly() {
        FilterGroup g = groups.acquire(FilterSpec.DEFAULT);
        groups.release(g);
        assertThatThrownBy(() -> groups.release(g)).isInstanceOf(IllegalStateException.class);
        FilterGroup foreign = new FilterGroups().acquire(FilterSpec.DEFAULT);
        groups.acquire(FilterSpec.DEFAULT);
        assertThatThrownBy(() -> groups.release(foreign)).hasMessageContaining("does not belong");
    }

    @Test
    void aGroupIsEvaluatedOncePerEventHoweverManySubscriptionsShareIt() {
        List<SubscriptionFilter> subs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            subs.add(groups.subscription(spec(i % 2 == 0 ? "{\"high_impact_only\":true}" : "{\"notification_frequency\":\"low\"}")));
        }
        FilterGroup prefs = groups.acquire(FilterSpec.DEFAULT);
        assertThat(groups.distinct()).isEqualTo(3);
        for (String name : new String[] {"dep", "update", "progress"}) {
            EventFacts facts = SampleEvents.facts(name);
            for (SubscriptionFilter s : subs) {
                s.test(facts, prefs);
            }
        }
        for (FilterGroup g : groups.groups()) {
            assertThat(g.evaluations()).as(g.spec().toString()).isEqualTo(3);
        }
    }

    @Test
    void theMemoNeverMixesUpTwoEvents() {
        SubscriptionFilter s = groups.subscription(spec("{\"high_impact_only\":true}"));
        assertThat(s.test(SampleEvents.facts("update"), null)).isEqualTo(FilterDecision.PASS);
        assertThat(s.test(SampleEvents.facts("dep"), null)).isEqualTo(FilterDecision.RELEVANCE);
        assertThat(s.test(SampleEvents.facts("update"), null)).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void preferencesAndSubscriptionFiltersMustBothPass() {
        FilterGroup prefs = groups.acquire(spec("{\"preferred_languages\":[\"python\"]}"));
        SubscriptionFilter highImpact = groups.subscription(spec("{\"high_impact_only\":true}"));
        assertThat(highImpact.test(SampleEvents.facts("dep"), prefs)).isEqualTo(FilterDecision.LANGUAGE);
        assertThat(highImpact.test(SampleEvents.facts("progress"), prefs)).isEqualTo(FilterDecision.RELEVANCE);
        assertThat(highImpact.test(SampleEvents.facts("update"), prefs)).isEqualTo(FilterDecision.PASS);
        assertThat(highImpact.test(SampleEvents.facts("dep"), null)).isEqualTo(FilterDecision.RELEVANCE);
    }

    @Test
    void theProgressStepsOfPreferencesAndFiltersMustBothBeCrossed() {
        FilterGroup prefs = groups.acquire(spec("{\"min_progress_updates\":10}"));
        SubscriptionFilter s = groups.subscription(spec("{\"min_progress_threshold\":25}"));
        assertThat(s.progressStep(prefs)).isEqualTo(25);
        assertThat(deliver(s, prefs, 10, 24, 26, 49, 51, 75, 80, 100)).containsExactly(10.0, 26.0, 51.0, 75.0, 100.0);
        // 24 → 26 crosses 25 but stays within 20..30 for N = 10: the preferences refuse it.
        // 31 crosses both 25 and 30 since the last delivered one (24).
        SubscriptionFilter both = groups.subscription(spec("{\"min_progress_threshold\":25}"));
        assertThat(deliver(both, prefs, 24, 26, 31, 49, 50)).containsExactly(24.0, 31.0, 50.0);

        SubscriptionFilter only = groups.subscription(FilterSpec.DEFAULT);
        assertThat(deliver(only, prefs, 1, 5, 11, 12, 25)).containsExactly(1.0, 11.0, 25.0);
        assertThat(deliver(groups.subscription(FilterSpec.DEFAULT), null, 1, 5, 11)).containsExactly(1.0, 5.0, 11.0);
    }

    @Test
    void changingPreferencesKeepsTheSessionsReferencePoint() {
        SubscriptionFilter s = groups.subscription(FilterSpec.DEFAULT);
        FilterGroup fine = groups.acquire(spec("{\"min_progress_updates\":10}"));
        assertThat(deliver(s, fine, 10, 15, 21)).containsExactly(10.0, 21.0);
        FilterGroup coarse = groups.replace(fine, spec("{\"min_progress_updates\":50}"));
        assertThat(fine.references()).isZero();
        assertThat(deliver(s, coarse, 30, 49, 50, 60)).containsExactly(50.0);
    }

    @Test
    void onlyDeliveredEventsMoveTheProgressState() {
        SubscriptionFilter s = groups.subscription(spec("{\"min_progress_threshold\":25}"));
        assertThat(s.test(progress(10, 0), null)).isEqualTo(FilterDecision.PASS);
        assertThat(s.trackedSessions()).isZero();
        s.delivered(progress(10, 0), null);
        assertThat(s.trackedSessions()).isEqualTo(1);
        assertThat(s.test(progress(20, 0), null)).isEqualTo(FilterDecision.PROGRESS_THRESHOLD);
        assertThat(s.test(progress(20, 1), null)).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void closingASubscriptionReleasesItsGroupOnce() {
        SubscriptionFilter s = groups.subscription(spec("{\"high_impact_only\":true}"));
        SubscriptionFilter t = groups.subscription(spec("{\"high_impact_only\":true}"));
        assertThat(s.filters().references()).isEqualTo(2);
        s.close();
        s.close();
        assertThat(t.filters().references()).isEqualTo(1);
        t.close();
        assertThat(groups.distinct()).isZero();
    }

    private static List<Double> deliver(SubscriptionFilter s, FilterGroup prefs, double... percentages) {
        List<Double> out = new ArrayList<>();
        for (double p : percentages) {
            EventFacts f = progress(p, 0);
            if (s.test(f, prefs).passed()) {
                s.delivered(f, prefs);
                out.add(p);
            }
        }
        return out;
    }
}
