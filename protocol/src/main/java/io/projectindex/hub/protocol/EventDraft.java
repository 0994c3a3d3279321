package io.projectindex.hub.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.data.EventData;

import java.util.UUID;

/**
 * A validated event as a publisher submitted it, before the hub gives it a timestamp and a
 * position. Null {@code id}, {@code correlationId}, {@code persistenceLevel} and
 * {@code priority} take their defaults at publish (a new UUID, the id, the type's defaults).
 */
public record EventDraft(
        EventType type,
        UUID id,
        ObjectNode data,
        EventData typedData,
        String correlationId,
        PersistenceLevel persistenceLevel,
        Priority priority) {

    public UUID projectId() {
        return typedData.projectId();
    }
}
