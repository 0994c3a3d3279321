package io.projectindex.hub.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;

import java.util.UUID;

/**
 * An accepted, normalised event before it has a position and timestamp: id and correlation id
 * are set, persistence and priority resolved, {@code data} serialised once ({@code dataJson}),
 * and {@code contentHash} identifies the content for idempotent republishing.
 */
public record NewEvent(
        EventType type,
        UUID id,
        UUID projectId,
        JsonNode data,
        EventData typedData,
        byte[] dataJson,
        String correlationId,
        PersistenceLevel persistence,
        Priority priority,
        String contentHash) {
}
