package io.projectindex.hub.protocol.data;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.JsonFields;

import java.util.List;
import java.util.UUID;

/** {@code project_index_updated}: a project's analysis completed or was updated. Required: project_id, status. */
public record ProjectIndexUpdatedData(
        UUID projectId,
        String projectName,
        Long filesAnalyzed,
        Long filesUpdated,
        Long dependenciesUpdated,
        Double analysisDurationSeconds,
        IndexStatus status,
        Statistics statistics,
        Long errorCount,
        List<String> warnings) implements EventData {

    public ProjectIndexUpdatedData {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    @Override
    public EventType type() {
        return EventType.PROJECT_INDEX_UPDATED;
    }

    /** {@code statistics}. */
    public record Statistics(Long totalFiles, List<String> languagesDetected, Long dependencyCount, Double complexityScore) {
        public Statistics {
            languagesDetected = languagesDetected == null ? List.of() : List.copyOf(languagesDetected);
        }

        static Statistics read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new Statistics(f.count("total_files"), f.stringListLenient("languages_detected"),
                    f.count("dependency_count"), f.numberLenient("complexity_score"));
        }
    }

    static ProjectIndexUpdatedData read(JsonFields f) {
        return new ProjectIndexUpdatedData(
                f.uuid("project_id", true),
                f.stringLenient("project_name"),
                f.count("files_analyzed"),
                f.count("files_updated"),
                f.count("dependencies_updated"),
                f.numberLenient("analysis_duration_seconds"),
                f.enumValue("status", IndexStatus::fromWire, IndexStatus.WIRE_NAMES, true),
                Statistics.read(f.objectLenient("statistics")),
                f.count("error_count"),
                f.stringListLenient("warnings"));
    }
}
