package io.projectindex.hub.server.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;

import java.time.Instant;
import java.util.UUID;

/** Stored events for delivery tests, built the way the publisher builds them (data encoded once). */
final class DeliveryEvents {
    static final Instant AT = Instant.parse("2025-01-15T12:00:00.123Z");
    static final String EPOCH = "k3x9q";

    private DeliveryEvents() {
    }

    static StoredEvent of(EventType type, String dataJson, Priority priority, long offset) {
        JsonNode data = Json.readTree(dataJson);
        UUID id = UUID.randomUUID();
        NewEvent e = new NewEvent(type, id, UUID.fromString(data.get("project_id").textValue()), data,
                EventData.view(type, data), Json.writeBytes(data), id.toString(), type.defaultPersistence(),
                priority != null ? priority : type.defaultPriority(), "hash-" + id);
        return new StoredEvent(e, AT, EPOCH, offset);
    }

    static StoredEvent progress(UUID project, UUID session, double percentage, long errors, long offset) {
        return of(EventType.ANALYSIS_PROGRESS, """
                {"session_id":"%s","project_id":"%s","analysis_type":"full","progress_percentage":%s,
                 "files_processed":1,"total_files":100,"errors_encountered":%d}
                """.formatted(session, project, num(percentage), errors), null, offset);
    }

    static StoredEvent updated(UUID project, long offset) {
        return of(EventType.PROJECT_INDEX_UPDATED, """
                {"project_id":"%s","status":"completed"}""".formatted(project), null, offset);
    }

    static StoredEvent context(UUID project, long offset) {
        return withPriority(project, EventType.CONTEXT_OPTIMIZED, null, offset);
    }

    static StoredEvent withPriority(UUID project, EventType type, Priority priority, long offset) {
        String data = switch (type) {
            case PROJECT_INDEX_UPDATED -> "{\"project_id\":\"%s\",\"status\":\"completed\"}".formatted(project);
            case ANALYSIS_PROGRESS -> ("{\"project_id\":\"%s\",\"session_id\":\"" + UUID.randomUUID()
                    + "\",\"progress_percentage\":10}").formatted(project);
            case DEPENDENCY_CHANGED -> "{\"project_id\":\"%s\",\"file_path\":\"a.py\",\"change_type\":\"modified\"}"
                    .formatted(project);
            case CONTEXT_OPTIMIZED -> ("{\"project_id\":\"%s\",\"context_id\":\"" + UUID.randomUUID() + "\"}")
                    .formatted(project);
        };
        return of(type, data, priority, offset);
    }

    /** A dependency_changed event whose live envelope is exactly {@code envelopeBytes} long. */
    static StoredEvent sized(UUID project, int envelopeBytes, long offset) {
        StoredEvent probe = dependencyWithNote(project, "", offset);
        int pad = envelopeBytes - probe.frame(false).length;
        if (pad < 0) {
            throw new IllegalArgumentException("envelope cannot be smaller than " + probe.frame(false).length);
        }
        return dependencyWithNote(project, "x".repeat(pad), offset);
    }

    /** A dependency_changed event with {@code bytes} of random, hardly compressible text. */
    static StoredEvent incompressible(UUID project, int bytes, long offset) {
        java.util.Random r = new java.util.Random(42);
        StringBuilder sb = new StringBuilder(bytes);
        // printable ASCII except '"' and '\\': about 6.5 bits per byte, so gzip saves under 20 %
        while (sb.length() < bytes) {
            char c = (char) (0x20 + r.nextInt(0x7f - 0x20));
            if (c != '"' && c != '\\') {
                sb.append(c);
            }
        }
        return dependencyWithNote(project, sb.toString(), offset);
    }

    private static StoredEvent dependencyWithNote(UUID project, String note, long offset) {
        return of(EventType.DEPENDENCY_CHANGED, """
                {"project_id":"%s","file_path":"src/a.py","change_type":"modified","note":"%s"}"""
                .formatted(project, note), null, offset);
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
