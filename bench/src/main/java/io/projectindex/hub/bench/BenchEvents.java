package io.projectindex.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.stream.NewEvent;

import java.util.UUID;

/** Events shaped like the original design's examples, for the encode and fan-out benchmarks. */
final class BenchEvents {
    private BenchEvents() {
    }

    /** An {@code analysis_progress} with every field of the design's example (627 bytes of envelope). */
    static NewEvent progress() {
        UUID project = UUID.randomUUID();
        return event(EventType.ANALYSIS_PROGRESS, """
                {"session_id":"%s","project_id":"%s","analysis_type":"full","progress_percentage":42,
                 "files_processed":42,"total_files":100,"current_file":"src/main.py",
                 "estimated_completion":"2025-01-15T12:05:00Z","processing_rate":2.5,
                 "performance_metrics":{"memory_usage_mb":150.0,"cpu_usage_percent":45.0,"parallel_tasks":4},
                 "errors_encountered":0,"last_error":null}""".formatted(UUID.randomUUID(), project));
    }

    /** A {@code dependency_changed} with long affected-file lists (2,397 bytes of envelope). */
    static NewEvent largeDependency() {
        StringBuilder files = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            files.append(i == 0 ? "" : ",").append("\"src/module_").append(i).append("/component.py\"");
        }
        return event(EventType.DEPENDENCY_CHANGED, """
                {"project_id":"%s","file_path":"src/core/service.py","change_type":"modified",
                 "dependency_details":{"target_file":"src/core.py","target_external":null,"relationship_type":"import",
                 "line_number":15,"is_circular":false},
                 "impact_analysis":{"affected_files":[%s],"potential_issues":["breaking_change"],
                 "recommendations":["update_imports"]},
                 "file_metadata":{"language":"python","file_size":2048,"last_modified":"2025-01-15T11:59:00Z"}}"""
                .formatted(UUID.randomUUID(), files));
    }

    static NewEvent event(EventType type, String dataJson) {
        JsonNode data = Json.readTree(dataJson);
        UUID id = UUID.randomUUID();
        return new NewEvent(type, id, UUID.fromString(data.get("project_id").textValue()), data,
                EventData.view(type, data), Json.writeBytes(data), id.toString(), type.defaultPersistence(),
                type.defaultPriority(), "bench-" + id);
    }
}
