package io.projectindex.hub.server.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.UUID;

import static io.projectindex.hub.server.filter.SampleEvents.NOW;
import static io.projectindex.hub.server.filter.SampleEvents.factsOf;
import static org.assertj.core.api.Assertions.assertThat;

class RelevanceScorerTest {
    private static final String P = SampleEvents.PROJECT;

    /**
     * The original implementation's verified fresh-event scores (reference §3.1). "Progress 15 %,
     * default prefs" scored 0.165 there because off-cadence progress was halved; PROTOCOL §7
     * drops that halving, so it scores like the no-preferences case.
     */
    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            update, empty data                     | {"type":"project_index_updated","data":{}}                                                                     | 0.77
            update, >50 files, >20 deps, errors    | {"type":"project_index_updated","data":{"files_analyzed":51,"dependencies_updated":21,"error_count":1}}       | 1.0
            progress 15 %, no prefs                | {"type":"analysis_progress","data":{"progress_percentage":15}}                                                 | 0.33
            progress 50 %                          | {"type":"analysis_progress","data":{"progress_percentage":50}}                                                 | 0.66
            dependency modified                    | {"type":"dependency_changed","data":{"file_path":"a.py","change_type":"modified"}}                             | 0.66
            context, empty data                    | {"type":"context_optimized","data":{}}                                                                         | 0.715
            """)
    void freshEventsScoreAsTheOriginalVerifiedThem(String name, String body, double expected) {
        assertThat(factsOf(body).score(false)).isEqualTo(expected);
    }

    /** The four example events of the original design document, fresh. */
    @Test
    void theOriginalDesignExampleEventsScoreAsTheFormulaSays() {
        String update = """
                {"type":"project_index_updated","data":{"project_id":"%s","project_name":"string","files_analyzed":150,
                 "files_updated":75,"dependencies_updated":25,"analysis_duration_seconds":30.5,"status":"completed",
                 "statistics":{"total_files":150,"languages_detected":["python","javascript"],"dependency_count":25,
                 "complexity_score":0.7},"error_count":0,"warnings":[]}}""".formatted(P);
        String progress = """
                {"type":"analysis_progress","data":{"session_id":"%s","project_id":"%s","analysis_type":"full",
                 "progress_percentage":75,"files_processed":75,"total_files":100,"current_file":"src/main.py",
                 "estimated_completion":"2025-01-15T12:05:00Z","processing_rate":2.5,
                 "performance_metrics":{"memory_usage_mb":150.0,"cpu_usage_percent":45.0,"parallel_tasks":4},
                 "errors_encountered":1,"last_error":"File not found: missing.py"}}""".formatted(SampleEvents.SESSION, P);
        String dependency = """
                {"type":"dependency_changed","data":{"project_id":"%s","file_path":"src/utils.py","change_type":"modified",
                 "dependency_details":{"target_file":"src/core.py","target_external":null,"relationship_type":"import",
                 "line_number":15,"is_circular":false},
                 "impact_analysis":{"affected_files":["src/main.py","src/app.py"],"potential_issues":["breaking_change"],
                 "recommendations":["update_imports"]},
                 "file_metadata":{"language":"python","file_size":2048,"last_modified":"2025-01-15T11:59:00Z"}}}""".formatted(P);
        String context = """
                {"type":"context_optimized","data":{"context_id":"%s","project_id":"%s",
                 "task_description":"Optimize context for bug analysis","task_type":"bug_analysis",
                 "optimization_results":{"selected_files":25,"total_tokens":15000,
                 "relevance_scores":{"high":10,"medium":15,"low":5},"confidence_score":0.92,"processing_time_ms":250},
                 "recommendations":{"architectural_patterns":["mvc","observer"],"potential_challenges":["tight_coupling"],
                 "suggested_approach":"Focus on controller and model layers"},
                 "performance_metrics":{"cache_hit_rate":0.88,"ml_analysis_time_ms":180,"context_assembly_time_ms":70}}}"""
                .formatted(UUID.randomUUID(), P);

        // 0.7 + 0.1 (150 > 50 files) + 0.1 (25 > 20 dependencies) = 0.9, × 1.1
        assertThat(factsOf(update).score(false)).isEqualTo(0.99);
        // 0.6 (75 % is a milestone) + 0.3 (an error) = 0.9, × 1.1
        assertThat(factsOf(progress).score(false)).isEqualTo(0.99);
        // 0.6 (modified, 2 affected files), × 1.1; with python preferred 0.7 × 1.1
        assertThat(factsOf(dependency).score(false)).isEqualTo(0.66);
        assertThat(factsOf(dependency).score(true)).isEqualTo(0.77);
        // 0.5 + 0.3 × 0.92 + 0.1 + 0.1 = 0.976, × 1.1 = 1.0736, capped
        assertThat(factsOf(context).score(false)).isEqualTo(1.0);
        assertThat(factsOf(context).baseScore()).isCloseTo(0.976, org.assertj.core.data.Offset.offset(1e-9));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            progress at a milestone 25           | {"type":"analysis_progress","data":{"progress_percentage":25}}                                  | 0.66
            progress at 100                      | {"type":"analysis_progress","data":{"progress_percentage":100}}                                 | 0.66
            progress 75.5 is not a milestone     | {"type":"analysis_progress","data":{"progress_percentage":75.5}}                                | 0.33
            progress with errors                 | {"type":"analysis_progress","data":{"progress_percentage":10,"errors_encountered":2}}           | 0.66
            dependency deleted                   | {"type":"dependency_changed","data":{"change_type":"deleted"}}                                  | 0.88
            dependency removed, 6 affected       | {"type":"dependency_changed","data":{"change_type":"removed","impact_analysis":{"affected_files":["a","b","c","d","e","f"]}}} | 1.0
            dependency 6 affected files          | {"type":"dependency_changed","data":{"change_type":"moved","impact_analysis":{"affected_files":["a","b","c","d","e","f"]}}}   | 0.88
            context with confidence 0            | {"type":"context_optimized","data":{"optimization_results":{"confidence_score":0}}}             | 0.55
            context with patterns only           | {"type":"context_optimized","data":{"recommendations":{"architectural_patterns":["mvc"]}}}      | 0.825
            update with errors only              | {"type":"project_index_updated","data":{"error_count":3}}                                       | 0.99
            update with exactly 50 files         | {"type":"project_index_updated","data":{"files_analyzed":50,"dependencies_updated":20}}         | 0.77
            """)
    void eachTypeAddsItsBonuses(String name, String body, double expected) {
        assertThat(factsOf(body).score(false)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            update files_analyzed is text                 | {"type":"project_index_updated","data":{"files_analyzed":"many","error_count":"x"}}                | 0.77
            progress errors_encountered is a list         | {"type":"analysis_progress","data":{"progress_percentage":15,"errors_encountered":[1]}}             | 0.33
            dependency affected_files not a list          | {"type":"dependency_changed","data":{"change_type":"modified","impact_analysis":{"affected_files":9}}} | 0.66
            dependency change_type unknown                | {"type":"dependency_changed","data":{"change_type":"exploded"}}                                     | 0.66
            context confidence out of range               | {"type":"context_optimized","data":{"optimization_results":{"confidence_score":7}}}                 | 0.715
            context recommendations is text               | {"type":"context_optimized","data":{"recommendations":"use mvc"}}                                   | 0.715
            """)
    void malformedFieldsCountAsAbsent(String name, String body, double expected) {
        assertThat(factsOf(body).score(false)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "age {0} s -> {1}")
    @CsvSource({
            "-60, 1.0", "0, 1.0", "300, 1.0", "301, 0.8", "1800, 0.8", "1801, 0.5", "3600, 0.5", "3601, 0.2", "86400, 0.2"})
    void recencyFactorFollowsTheAgeBands(long ageSeconds, double expected) {
        assertThat(RelevanceScorer.recencyFactor(Duration.ofSeconds(ageSeconds))).isEqualTo(expected);
    }

    @Test
    void olderEventsScoreLowerThroughTheRecencyFactor() {
        String update = "{\"type\":\"project_index_updated\",\"data\":{}}";
        assertThat(factsOf(update, NOW.minus(Duration.ofMinutes(10))).score(false)).isEqualTo(0.756);
        assertThat(factsOf(update, NOW.minus(Duration.ofMinutes(45))).score(false)).isEqualTo(0.735);
        assertThat(factsOf(update, NOW.minus(Duration.ofHours(2))).score(false)).isEqualTo(0.714);
        assertThat(factsOf(update, NOW.minus(Duration.ofHours(2))).recency()).isEqualTo(0.2);
    }

    @Test
    void thePreferredLanguageBonusAppliesOnlyToDependencyEventsWithALanguage() {
        assertThat(SampleEvents.facts("dep").score(true)).isEqualTo(0.77);
        assertThat(SampleEvents.facts("dep_nolang").score(true)).isEqualTo(0.66);
        assertThat(SampleEvents.facts("dep_badfields").score(true)).isEqualTo(0.66);
        assertThat(SampleEvents.facts("update").score(true)).isEqualTo(SampleEvents.facts("update").score(false));
    }

    @Test
    void factsOfAStoredEventUseItsTimestampAgainstTheClock() {
        FakeClock clock = new FakeClock(NOW);
        JsonNode data = Json.readTree("{\"project_id\":\"" + SampleEvents.PROJECT + "\",\"status\":\"completed\"}");
        NewEvent e = new NewEvent(EventType.PROJECT_INDEX_UPDATED, UUID.randomUUID(), UUID.fromString(SampleEvents.PROJECT),
                data, EventData.view(EventType.PROJECT_INDEX_UPDATED, data), Json.writeBytes(data), "c",
                PersistenceLevel.LONG_TERM, Priority.HIGH, "h");
        StoredEvent stored = new StoredEvent(e, NOW, "ep", 1);
        RelevanceScorer scorer = new RelevanceScorer(clock);
        assertThat(scorer.facts(stored).score(false)).isEqualTo(0.77);
        clock.advance(Duration.ofMinutes(31));
        assertThat(scorer.facts(stored).score(false)).isEqualTo(0.735);
        assertThat(scorer.facts(stored).projectId()).isEqualTo(SampleEvents.PROJECT);
    }
}
