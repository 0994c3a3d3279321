package io.projectindex.hub.protocol;

/** The four example events of the original design ("Event Structure"), with UUIDs filled in. */
final class Samples {
    static final String P = "0b8f5a3e-3c1d-4e2f-9a7b-6c5d4e3f2a1b";
    static final String S = "7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a0f";
    static final String C = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

    static final String UPDATED = """
            {"type":"project_index_updated","data":{"project_id":"%s","project_name":"string","files_analyzed":150,
             "files_updated":75,"dependencies_updated":25,"analysis_duration_seconds":30.5,"status":"completed",
             "statistics":{"total_files":150,"languages_detected":["python","javascript"],"dependency_count":25,
             "complexity_score":0.7},"error_count":0,"warnings":[]},
             "timestamp":"2025-01-15T12:00:00Z","correlation_id":"%s"}""".formatted(P, C);

    static final String PROGRESS = """
            {"type":"analysis_progress","data":{"session_id":"%s","project_id":"%s","analysis_type":"full",
             "progress_percentage":75,"files_processed":75,"total_files":100,"current_file":"src/main.py",
             "estimated_completion":"2025-01-15T12:05:00Z","processing_rate":2.5,
             "performance_metrics":{"memory_usage_mb":150.0,"cpu_usage_percent":45.0,"parallel_tasks":4},
             "errors_encountered":1,"last_error":"File not found: missing.py"},
             "timestamp":"2025-01-15T12:00:00Z","correlation_id":"%s"}""".formatted(S, P, C);

    static final String DEPENDENCY = """
            {"type":"dependency_changed","data":{"project_id":"%s","file_path":"src/utils.py","change_type":"modified",
             "dependency_details":{"target_file":"src/core.py","target_external":null,"relationship_type":"import",
             "line_number":15,"is_circular":false},
             "impact_analysis":{"affected_files":["src/main.py","src/app.py"],"potential_issues":["breaking_change"],
             "recommendations":["update_imports"]},
             "file_metadata":{"language":"python","file_size":2048,"last_modified":"2025-01-15T11:59:00Z"}},
             "timestamp":"2025-01-15T12:00:00Z","correlation_id":"%s"}""".formatted(P, C);

    static final String CONTEXT = """
            {"type":"context_optimized","data":{"context_id":"%s","project_id":"%s",
             "task_description":"Optimize context for bug analysis","task_type":"bug_analysis",
             "optimization_results":{"selected_files":25,"total_tokens":15000,"relevance_scores":{"high":10,"medium":15,"low":5},
             "confidence_score":0.92,"processing_time_ms":250},
             "recommendations":{"architectural_patterns":["mvc","observer"],"potential_challenges":["tight_coupling"],
             "suggested_approach":"Focus on controller and model layers"},
             "performance_metrics":{"cache_hit_rate":0.88,"ml_analysis_time_ms":180,"context_assembly_time_ms":70}},
             "timestamp":"2025-01-15T12:00:00Z","correlation_id":"%s"}""".formatted(S, P, C);

    private Samples() {
    }
}
