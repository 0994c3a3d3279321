package io.projectindex.hub.protocol.data;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.JsonFields;

import java.util.List;
import java.util.UUID;

/** {@code context_optimized}: an AI context optimisation finished. Required: project_id, context_id. */
public record ContextOptimizedData(
        UUID contextId,
        UUID projectId,
        String taskDescription,
        String taskType,
        OptimizationResults optimizationResults,
        Recommendations recommendations,
        PerformanceMetrics performanceMetrics) implements EventData {

    @Override
    public EventType type() {
        return EventType.CONTEXT_OPTIMIZED;
    }

    /** {@code optimization_results}; confidence_score is in 0..1. */
    public record OptimizationResults(Long selectedFiles, Long totalTokens, RelevanceScores relevanceScores,
                                      Double confidenceScore, Double processingTimeMs) {
        static OptimizationResults read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new OptimizationResults(f.count("selected_files"), f.count("total_tokens"),
                    RelevanceScores.read(f.objectLenient("relevance_scores")),
                    f.number("confidence_score", 0, 1, false), f.numberLenient("processing_time_ms"));
        }
    }

    /** {@code optimization_results.relevance_scores}: counts of files by relevance. */
    public record RelevanceScores(Long high, Long medium, Long low) {
        static RelevanceScores read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new RelevanceScores(f.count("high"), f.count("medium"), f.count("low"));
        }
    }

    /** {@code recommendations}. */
    public record Recommendations(List<String> architecturalPatterns, List<String> potentialChallenges,
                                  String suggestedApproach) {
        public Recommendations {
            architecturalPatterns = architecturalPatterns == null ? List.of() : List.copyOf(architecturalPatterns);
            potentialChallenges = potentialChallenges == null ? List.of() : List.copyOf(potentialChallenges);
        }

        static Recommendations read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new Recommendations(f.stringListLenient("architectural_patterns"),
                    f.stringListLenient("potential_challenges"), f.stringLenient("suggested_approach"));
        }
    }

    /** {@code performance_metrics}. */
    public record PerformanceMetrics(Double cacheHitRate, Double mlAnalysisTimeMs, Double contextAssemblyTimeMs) {
        static PerformanceMetrics read(JsonFields f) {
            if (!f.isObject()) {
                return null;
            }
            return new PerformanceMetrics(f.numberLenient("cache_hit_rate"), f.numberLenient("ml_analysis_time_ms"),
                    f.numberLenient("context_assembly_time_ms"));
        }
    }

    static ContextOptimizedData read(JsonFields f) {
        return new ContextOptimizedData(
                f.uuid("context_id", true),
                f.uuid("project_id", true),
                f.stringLenient("task_description"),
                f.stringLenient("task_type"),
                OptimizationResults.read(f.objectLenient("optimization_results")),
                Recommendations.read(f.objectLenient("recommendations")),
                PerformanceMetrics.read(f.objectLenient("performance_metrics")));
    }
}
