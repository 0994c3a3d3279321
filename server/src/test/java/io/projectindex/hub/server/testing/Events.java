package io.projectindex.hub.server.testing;

import java.util.UUID;

/** JSON bodies of sample events, shaped like the original design's examples. */
public final class Events {
    private Events() {
    }

    public static String progress(UUID project, UUID session, double percentage) {
        return """
                {"type":"analysis_progress","data":{"session_id":"%s","project_id":"%s","analysis_type":"full",
                 "progress_percentage":%s,"files_processed":%d,"total_files":100,"current_file":"src/main.py",
                 "estimated_completion":"2025-01-15T12:05:00Z","processing_rate":2.5,
                 "performance_metrics":{"memory_usage_mb":150.0,"cpu_usage_percent":45.0,"parallel_tasks":4},
                 "errors_encountered":0,"last_error":null}}
                """.formatted(session, project, num(percentage), (long) percentage);
    }

    public static String updated(UUID project) {
        return """
                {"type":"project_index_updated","data":{"project_id":"%s","project_name":"demo","files_analyzed":150,
                 "files_updated":75,"dependencies_updated":25,"analysis_duration_seconds":30.5,"status":"completed",
                 "statistics":{"total_files":150,"languages_detected":["python","javascript"],"dependency_count":25,
                 "complexity_score":0.7},"error_count":0,"warnings":[]}}
                """.formatted(project);
    }

    public static String dependency(UUID project, String filePath) {
        return """
                {"type":"dependency_changed","data":{"project_id":"%s","file_path":"%s","change_type":"modified",
                 "dependency_details":{"target_file":"src/core.py","target_external":null,"relationship_type":"import",
                 "line_number":15,"is_circular":false},
                 "impact_analysis":{"affected_files":["src/main.py","src/app.py"],"potential_issues":["breaking_change"],
                 "recommendations":["update_imports"]},
                 "file_metadata":{"language":"python","file_size":2048,"last_modified":"2025-01-15T11:59:00Z"}}}
                """.formatted(project, filePath);
    }

    public static String context(UUID project) {
        return """
                {"type":"context_optimized","data":{"context_id":"%s","project_id":"%s",
                 "task_description":"Optimize context for bug analysis","task_type":"bug_analysis",
                 "optimization_results":{"selected_files":25,"total_tokens":15000,
                 "relevance_scores":{"high":10,"medium":15,"low":5},"confidence_score":0.92,"processing_time_ms":250},
                 "recommendations":{"architectural_patterns":["mvc","observer"],"potential_challenges":["tight_coupling"],
                 "suggested_approach":"Focus on controller and model layers"},
                 "performance_metrics":{"cache_hit_rate":0.88,"ml_analysis_time_ms":180,"context_assembly_time_ms":70}}}
                """.formatted(UUID.randomUUID(), project);
    }

    /** {@code {"events":[...]}} of the given event bodies. */
    public static String batch(java.util.List<String> events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
