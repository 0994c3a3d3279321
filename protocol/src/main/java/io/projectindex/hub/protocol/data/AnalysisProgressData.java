package io.projectindex.hub.protocol.data;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.JsonFields;

import java.util.UUID;

/**
 * {@code analysis_progress}: progress of one analysis session. Required: project_id, session_id,
 * progress_percentage (0–100); files_processed must not exceed total_files.
 */
public record AnalysisProgressData(
        UUID sessionId,
        UUID projectId,
        AnalysisType analysisType,
        Double progressPercentage,
        Long filesProcessed,
        Long totalFiles,
        String currentFile,
        String estimatedCompletion,
        Double processingRate,
        PerformanceMetrics performanceMetrics,
        Long errorsEncountered,
        String lastError) implements EventData {

    @Override
    public EventType type() {
        return EventType.ANALYSIS_PROGRESS;
    }

    /** True at 25, 50, 75 and 100 percent. */
    public boolean isMilestone() {
        return progressPercentage != null
                && (progressPercentage == 25 || progressPercentage == 50 || progressPercentage == 75 || progressPercentage == 100);
    }

    /** {@code performance_metrics}. */
    public record PerformanceMetrics(Double memoryUsageMb, Double cpuUsagePercent, Long parallelTasks) {
        static PerformanceMetrics read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new PerformanceMetrics(f.numberLenient("memory_usage_mb"), f.numberLenient("cpu_usage_percent"),
                    f.integerLenient("parallel_tasks"));
        }
    }

    static AnalysisProgressData read(JsonFields f) {
        UUID sessionId = f.uuid("session_id", true);
        UUID projectId = f.uuid("project_id", true);
        AnalysisType analysisType = f.enumValue("analysis_type", AnalysisType::fromWire, AnalysisType.WIRE_NAMES, false);
        Double percentage = f.number("progress_percentage", 0, 100, true);
        Long processed = f.count("files_processed");
        Long total = f.count("total_files");
        if (processed != null && total != null && processed > total) {
            f.error("files_processed", "must not exceed total_files (" + processed + " > " + total + ")");
        }
        return new AnalysisProgressData(sessionId, projectId, analysisType, percentage, processed, total,
                f.stringLenient("current_file"),
                f.stringLenient("estimated_completion"),
                f.numberLenient("processing_rate"),
                PerformanceMetrics.read(f.objectLenient("performance_metrics")),
                f.count("errors_encountered"),
                f.stringLenient("last_error"));
    }
}
