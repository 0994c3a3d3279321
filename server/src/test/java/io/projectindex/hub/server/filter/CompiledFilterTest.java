package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.filter.FilterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.projectindex.hub.server.filter.SampleEvents.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class CompiledFilterTest {
    private static final String DEP_REMOVED_WIDE = """
            {"type":"dependency_changed","data":{"file_path":"src/a.py","change_type":"removed",
             "impact_analysis":{"affected_files":["a","b","c","d","e","f"]},"file_metadata":{"language":"python"}}}""";
    private static final String DEP_PYTHON = """
            {"type":"dependency_changed","data":{"file_path":"src/utils.py","change_type":"modified",
             "file_metadata":{"language":"python"}}}""";
    private static final String UPDATE_JS_FIRST = """
            {"type":"project_index_updated","data":{"status":"completed",
             "statistics":{"languages_detected":["javascript","python"]}}}""";
    private static final String PROGRESS_50 = """
            {"type":"analysis_progress","data":{"progress_percentage":50}}""";

    static FilterSpec spec(String json) {
        List<FieldError> errors = new ArrayList<>();
        FilterSpec spec = FilterSpec.read(Json.readTree(json), "filters", errors);
        assertThat(errors).isEmpty();
        return spec;
    }

    private static FilterDecision decide(String specJson, EventFacts facts) {
        return CompiledFilter.compile(spec(specJson)).test(facts);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"dep", "dep_nolang", "dep_badfields", "update", "update_bare", "progress", "progress_bare", "context"})
    void theDefaultSpecPassesEveryFreshEvent(String event) {
        assertThat(CompiledFilter.compile(FilterSpec.DEFAULT).test(SampleEvents.facts(event))).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void highImpactOnlyKeepsWhatTheOriginalVerifiedAndDropsTheRest() {
        String highImpact = "{\"high_impact_only\":true}";
        assertThat(decide(highImpact, SampleEvents.facts("update"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(highImpact, SampleEvents.facts("update_bare"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(highImpact, SampleEvents.facts("context"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(highImpact, SampleEvents.factsOf(DEP_REMOVED_WIDE))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(highImpact, SampleEvents.facts("dep"))).isEqualTo(FilterDecision.RELEVANCE);
        assertThat(decide(highImpact, SampleEvents.facts("progress"))).isEqualTo(FilterDecision.RELEVANCE);
        assertThat(decide(highImpact, SampleEvents.factsOf(PROGRESS_50))).isEqualTo(FilterDecision.RELEVANCE);
    }

    @Test
    void highImpactOnlyWinsOverNotificationFrequency() {
        assertThat(decide("{\"high_impact_only\":true,\"notification_frequency\":\"high\"}", SampleEvents.facts("dep")))
                .isEqualTo(FilterDecision.RELEVANCE);
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource({
            "low, progress, RELEVANCE", "low, dep, PASS", "normal, progress, PASS", "high, progress, PASS",
            "low, context, PASS"})
    void notificationFrequencySetsTheThreshold(String frequency, String event, FilterDecision expected) {
        assertThat(decide("{\"notification_frequency\":\"" + frequency + "\"}", SampleEvents.facts(event))).isEqualTo(expected);
    }

    @Test
    void anOldProgressEventStillPassesTheNormalThreshold() {
        EventFacts old = SampleEvents.facts("progress", NOW.minus(Duration.ofHours(3)));
        assertThat(old.score(false)).isEqualTo(0.306);
        assertThat(decide("{}", old)).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void aPreferredLanguageLiftsADependencyEventOverTheHighImpactThreshold() {
        EventFacts dep = SampleEvents.factsOf(DEP_PYTHON);
        assertThat(decide("{\"high_impact_only\":true}", dep)).isEqualTo(FilterDecision.RELEVANCE);
        assertThat(decide("{\"high_impact_only\":true,\"preferred_languages\":[\"Python\"]}", dep)).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void preferredLanguagesMatchAnyDetectedLanguageIgnoringCase() {
        String python = "{\"preferred_languages\":[\"PYTHON\",\"go\"]}";
        assertThat(decide(python, SampleEvents.factsOf(UPDATE_JS_FIRST))).as("not only the first language").isEqualTo(FilterDecision.PASS);
        assertThat(decide(python, SampleEvents.facts("update"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(python, SampleEvents.facts("dep"))).isEqualTo(FilterDecision.LANGUAGE);
        assertThat(decide(python, SampleEvents.facts("dep_nolang"))).as("no language passes").isEqualTo(FilterDecision.PASS);
        assertThat(decide(python, SampleEvents.facts("dep_badfields"))).as("malformed = absent").isEqualTo(FilterDecision.PASS);
        assertThat(decide(python, SampleEvents.facts("progress"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(python, SampleEvents.facts("context"))).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void ignoredFilePatternsDropDependencyAndProgressEventsByPath() {
        String ignore = "{\"ignored_file_patterns\":[\"*.test.js\",\"*.spec.py\"]}";
        assertThat(decide(ignore, SampleEvents.facts("progress"))).isEqualTo(FilterDecision.IGNORED_PATTERN);
        assertThat(decide(ignore, SampleEvents.facts("progress_bare"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(ignore, SampleEvents.facts("dep"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(ignore, SampleEvents.factsOf("""
                {"type":"dependency_changed","data":{"file_path":"tests\\\\unit\\\\a.spec.py","change_type":"modified"}}""")))
                .isEqualTo(FilterDecision.IGNORED_PATTERN);
        assertThat(decide(ignore, SampleEvents.facts("update"))).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void everyRuleMustPass() {
        String rules = """
                {"rules":[{"criteria":"event_type","operator":"in","value":["dependency_changed","analysis_progress"]},
                          {"criteria":"file_path","operator":"matches","value":"src/app/**"}]}""";
        assertThat(decide(rules, SampleEvents.facts("dep"))).isEqualTo(FilterDecision.PASS);
        assertThat(decide(rules, SampleEvents.facts("progress"))).isEqualTo(FilterDecision.RULE);
        assertThat(decide(rules, SampleEvents.facts("update"))).isEqualTo(FilterDecision.RULE);
    }

    @Test
    void aRelevanceScoreRuleSeesTheSpecsOwnLanguageBonus() {
        EventFacts dep = SampleEvents.factsOf(DEP_PYTHON);
        String rule = "{\"criteria\":\"relevance_score\",\"operator\":\"greater_equal\",\"value\":0.77}";
        assertThat(decide("{\"rules\":[" + rule + "]}", dep)).isEqualTo(FilterDecision.RULE);
        assertThat(decide("{\"preferred_languages\":[\"python\"],\"rules\":[" + rule + "]}", dep)).isEqualTo(FilterDecision.PASS);
    }

    @Test
    void theFirstFailingCheckIsTheReason() {
        String all = "{\"high_impact_only\":true,\"ignored_file_patterns\":[\"*.js\"],"
                + "\"rules\":[{\"criteria\":\"progress\",\"operator\":\"greater_than\",\"value\":90}]}";
        assertThat(decide(all, SampleEvents.facts("progress"))).isEqualTo(FilterDecision.RELEVANCE);
        String patternsAndRules = "{\"ignored_file_patterns\":[\"*.js\"],"
                + "\"rules\":[{\"criteria\":\"progress\",\"operator\":\"greater_than\",\"value\":90}]}";
        assertThat(decide(patternsAndRules, SampleEvents.facts("progress"))).isEqualTo(FilterDecision.IGNORED_PATTERN);
        assertThat(decide("{\"preferred_languages\":[\"go\"],\"ignored_file_patterns\":[\"*.java\"]}", SampleEvents.facts("dep")))
                .isEqualTo(FilterDecision.LANGUAGE);
    }

    @Test
    void theProgressStepIsLeftToTheGate() {
        CompiledFilter f = CompiledFilter.compile(spec("{\"min_progress_updates\":25}"));
        assertThat(f.progressStep()).isEqualTo(25);
        assertThat(f.test(SampleEvents.facts("progress"))).isEqualTo(FilterDecision.PASS);
    }
}
