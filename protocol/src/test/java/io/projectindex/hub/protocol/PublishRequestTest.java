package io.projectindex.hub.protocol;

import io.projectindex.hub.protocol.data.AnalysisProgressData;
import io.projectindex.hub.protocol.data.ContextOptimizedData;
import io.projectindex.hub.protocol.data.DependencyChangedData;
import io.projectindex.hub.protocol.data.ProjectIndexUpdatedData;
import io.projectindex.hub.protocol.data.RelationshipType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublishRequestTest {

    private static EventDraft one(String json) {
        List<EventDraft> drafts = PublishRequest.parse(Json.readTree(json), 1000);
        assertThat(drafts).hasSize(1);
        return drafts.get(0);
    }

    @Test
    void theOriginalDesignsFourExamplesAreValidAndFullyTyped() {
        ProjectIndexUpdatedData u = (ProjectIndexUpdatedData) one(Samples.UPDATED).typedData();
        assertThat(u.filesAnalyzed()).isEqualTo(150);
        assertThat(u.statistics().languagesDetected()).containsExactly("python", "javascript");
        assertThat(u.statistics().complexityScore()).isEqualTo(0.7);

        AnalysisProgressData p = (AnalysisProgressData) one(Samples.PROGRESS).typedData();
        assertThat(p.sessionId()).isEqualTo(UUID.fromString(Samples.S));
        assertThat(p.progressPercentage()).isEqualTo(75);
        assertThat(p.isMilestone()).isTrue();
        assertThat(p.performanceMetrics().parallelTasks()).isEqualTo(4);
        assertThat(p.lastError()).isEqualTo("File not found: missing.py");

        DependencyChangedData d = (DependencyChangedData) one(Samples.DEPENDENCY).typedData();
        assertThat(d.dependencyDetails().relationshipType()).isEqualTo(RelationshipType.IMPORT);
        assertThat(d.dependencyDetails().targetExternal()).isNull();
        assertThat(d.impactAnalysis().affectedFiles()).hasSize(2);
        assertThat(d.language()).isEqualTo("python");

        ContextOptimizedData c = (ContextOptimizedData) one(Samples.CONTEXT).typedData();
        assertThat(c.optimizationResults().confidenceScore()).isEqualTo(0.92);
        assertThat(c.optimizationResults().relevanceScores().medium()).isEqualTo(15);
        assertThat(c.recommendations().architecturalPatterns()).containsExactly("mvc", "observer");
        assertThat(c.performanceMetrics().cacheHitRate()).isEqualTo(0.88);
    }

    @Test
    void envelopeFieldsAreReadAndDefaultsLeftToTheHub() {
        EventDraft d = one(Samples.UPDATED);
        assertThat(d.correlationId()).isEqualTo(Samples.C);
        assertThat(d.id()).isNull();
        assertThat(d.persistenceLevel()).isNull();
        EventDraft e = one(Samples.UPDATED.replaceFirst("\\{", "{\"id\":\"" + Samples.S
                + "\",\"persistence_level\":\"permanent\",\"priority\":\"critical\","));
        assertThat(e.id()).isEqualTo(UUID.fromString(Samples.S));
        assertThat(e.persistenceLevel()).isEqualTo(PersistenceLevel.PERMANENT);
        assertThat(e.priority()).isEqualTo(Priority.CRITICAL);
    }

    static Stream<Arguments> invalid() {
        String p = Samples.P;
        String s = Samples.S;
        return Stream.of(
                Arguments.of("{\"data\":{}}", List.of("type")),
                Arguments.of("{\"type\":\"file_change\",\"data\":{}}", List.of("type")),
                Arguments.of("{\"type\":\"project_index_updated\"}", List.of("data")),
                Arguments.of("{\"type\":\"project_index_updated\",\"data\":[]}", List.of("data")),
                Arguments.of("{\"type\":\"project_index_updated\",\"data\":{\"status\":\"completed\"}}", List.of("data.project_id")),
                Arguments.of("{\"type\":\"project_index_updated\",\"data\":{\"project_id\":\"" + p + "\",\"status\":\"done\"}}",
                        List.of("data.status")),
                Arguments.of("{\"type\":\"project_index_updated\",\"data\":{\"project_id\":\"" + p
                        + "\",\"status\":\"partial\",\"files_analyzed\":-1,\"statistics\":{\"total_files\":1.5}}}",
                        List.of("data.files_analyzed", "data.statistics.total_files")),
                Arguments.of("{\"type\":\"analysis_progress\",\"data\":{\"project_id\":\"" + p + "\",\"session_id\":\"x\","
                        + "\"progress_percentage\":-1,\"analysis_type\":\"full_analysis\"}}",
                        List.of("data.session_id", "data.analysis_type", "data.progress_percentage")),
                Arguments.of("{\"type\":\"analysis_progress\",\"data\":{\"project_id\":\"" + p + "\",\"session_id\":\"" + s
                        + "\",\"progress_percentage\":\"50\",\"files_processed\":10,\"total_files\":5}}",
                        List.of("data.progress_percentage", "data.files_processed")),
                Arguments.of("{\"type\":\"dependency_changed\",\"data\":{\"project_id\":\"" + p + "\",\"file_path\":\"\","
                        + "\"change_type\":\"renamed\",\"dependency_details\":{\"relationship_type\":\"uses\"}}}",
                        List.of("data.file_path", "data.change_type", "data.dependency_details.relationship_type")),
                Arguments.of("{\"type\":\"context_optimized\",\"data\":{\"project_id\":\"" + p + "\","
                        + "\"optimization_results\":{\"confidence_score\":1.2,\"selected_files\":-3}}}",
                        List.of("data.context_id", "data.optimization_results.selected_files",
                                "data.optimization_results.confidence_score")),
                Arguments.of("{\"type\":\"project_index_updated\",\"correlation_id\":\"\",\"persistence_level\":\"forever\","
                        + "\"priority\":\"urgent\",\"id\":\"nope\",\"data\":{\"project_id\":\"" + p + "\",\"status\":\"completed\"}}",
                        List.of("id", "correlation_id", "persistence_level", "priority")));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void everyProblemOfAnInvalidEventIsListedWithItsPath(String json, List<String> fields) {
        assertThatThrownBy(() -> PublishRequest.parse(Json.readTree(json), 10))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENT);
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> errors = (List<Map<String, Object>>) e.details().get("errors");
                    assertThat(errors).extracting(m -> m.get("field")).containsExactlyInAnyOrderElementsOf(fields);
                    assertThat(errors).allSatisfy(m -> assertThat(m.get("index")).isEqualTo(0));
                });
    }

    @Test
    void optionalFieldsMayBeNullAndUncheckedFieldsOfAnotherTypeReadAsAbsent() {
        EventDraft d = one("{\"type\":\"dependency_changed\",\"data\":{\"project_id\":\"" + Samples.P
                + "\",\"file_path\":\"a.py\",\"change_type\":\"deleted\",\"file_metadata\":{\"language\":42},"
                + "\"impact_analysis\":\"lots\",\"dependency_details\":null}}");
        DependencyChangedData data = (DependencyChangedData) d.typedData();
        assertThat(data.language()).isNull();
        assertThat(data.impactAnalysis()).isNull();
        assertThat(data.dependencyDetails()).isNull();
        assertThat(d.data().path("file_metadata").path("language").asInt()).isEqualTo(42);
    }

    @Test
    void batchesAreAllOrNothingWithIndexes() {
        String bad = "{\"type\":\"analysis_progress\",\"data\":{\"project_id\":\"" + Samples.P + "\"}}";
        assertThatThrownBy(() -> PublishRequest.parse(Json.readTree("{\"events\":[" + Samples.UPDATED + "," + bad + "]}"), 10))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> errors = (List<Map<String, Object>>) e.details().get("errors");
                    assertThat(errors).extracting(m -> m.get("index") + ":" + m.get("field"))
                            .containsExactlyInAnyOrder("1:data.session_id", "1:data.progress_percentage");
                    assertThat(e.getMessage()).contains("events[1]");
                });
        assertThat(PublishRequest.parse(Json.readTree("[" + Samples.UPDATED + "," + Samples.CONTEXT + "]"), 10)).hasSize(2);
    }

    @Test
    void tooManyEventsIsALimitAndAnEmptyListIsInvalid() {
        assertThatThrownBy(() -> PublishRequest.parse(Json.readTree("[" + Samples.UPDATED + "," + Samples.UPDATED + "]"), 1))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED));
        assertThatThrownBy(() -> PublishRequest.parse(Json.readTree("{\"events\":[]}"), 1))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENT));
    }
}
