package io.projectindex.hub.server.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.testing.FakeClock;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Named sample events for filter tests, and facts computed for them on a fake clock. */
final class SampleEvents {
    static final String PROJECT = "3f0c2d1e-8b7a-4c55-9e0f-1a2b3c4d5e6f";
    static final String SESSION = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");

    /** name → {type, data}. */
    static final Map<String, String> EVENTS = Map.ofEntries(
            Map.entry("dep", """
                    {"type":"dependency_changed","data":{"project_id":"%s","file_path":"src/app/Main.java",
                     "change_type":"modified","dependency_details":{"target_file":"src/core.py","relationship_type":"import"},
                     "impact_analysis":{"affected_files":["a","b"]},"file_metadata":{"language":"Java"}}}
                    """),
            Map.entry("dep_nolang", """
                    {"type":"dependency_changed","data":{"project_id":"%s","file_path":"src/x.java","change_type":"modified"}}
                    """),
            Map.entry("dep_badfields", """
                    {"type":"dependency_changed","data":{"project_id":"%s","file_path":"src/x.java","change_type":"modified",
                     "dependency_details":"oops","impact_analysis":{"affected_files":7},"file_metadata":{"language":42}}}
                    """),
            Map.entry("update", """
                    {"type":"project_index_updated","data":{"project_id":"%s","status":"completed","files_analyzed":150,
                     "dependencies_updated":25,"analysis_duration_seconds":30.5,"error_count":0,
                     "statistics":{"languages_detected":["python","JavaScript"]}}}
                    """),
            Map.entry("update_bare", """
                    {"type":"project_index_updated","data":{"project_id":"%s","status":"completed"}}
                    """),
            Map.entry("progress", """
                    {"type":"analysis_progress","data":{"project_id":"%s","session_id":"%s","progress_percentage":40,
                     "current_file":"src/util/x.test.js","processing_rate":2.5,"errors_encountered":0}}
                    """),
            Map.entry("progress_bare", """
                    {"type":"analysis_progress","data":{"project_id":"%s","session_id":"%s","progress_percentage":60,
                     "current_file":null,"processing_rate":"fast"}}
                    """),
            Map.entry("context", """
                    {"type":"context_optimized","data":{"project_id":"%s","context_id":"%s",
                     "optimization_results":{"confidence_score":0.92},
                     "recommendations":{"architectural_patterns":["mvc"],"potential_challenges":["tight_coupling"]}}}
                    """));

    private SampleEvents() {
    }

    static EventFacts facts(String name) {
        return facts(name, NOW);
    }

    static EventFacts facts(String name, Instant timestamp) {
        String body = EVENTS.get(name);
        if (body == null) {
            throw new IllegalArgumentException("no sample event " + name);
        }
        return factsOf(body.formatted(PROJECT, SESSION), timestamp);
    }

    /** Facts of a literal {@code {"type":…,"data":…}} body, aged 0. */
    static EventFacts factsOf(String body) {
        return factsOf(body, NOW);
    }

    static EventFacts factsOf(String body, Instant timestamp) {
        JsonNode root = Json.readTree(body);
        EventType type = EventType.fromWire(root.get("type").textValue()).orElseThrow();
        JsonNode data = root.get("data");
        return new RelevanceScorer(new FakeClock(NOW)).facts(type, EventData.view(type, data), timestamp);
    }

    /** A progress event of the sample session. */
    static EventFacts progress(double percentage, long errors) {
        return progress(SESSION, percentage, errors);
    }

    static EventFacts progress(String session, double percentage, long errors) {
        return factsOf("""
                {"type":"analysis_progress","data":{"project_id":"%s","session_id":"%s","progress_percentage":%s,
                 "errors_encountered":%d}}
                """.formatted(PROJECT, session, percentage, errors));
    }

    static String randomSession() {
        return UUID.randomUUID().toString();
    }
}
