package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;

import java.util.Objects;
import java.util.UUID;

/**
 * An event to publish (PROTOCOL §11 {@code POST /events}): its type and {@code data} object, and
 * optionally an {@code id} (makes retries idempotent), a {@code correlation_id} tying related
 * events together, a persistence level and a priority. The hub validates it; the SDK only checks
 * that {@code data} is an object. Immutable.
 */
public record OutgoingEvent(EventType type, ObjectNode data, UUID id, String correlationId,
                            PersistenceLevel persistenceLevel, Priority priority) {

    public OutgoingEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        data = data.deepCopy();
    }

    /** A copy of the data object (the event itself stays unchanged). */
    @Override
    public ObjectNode data() {
        return data.deepCopy();
    }

    /**
     * An event of {@code type} with {@code data} given as a JSON tree, a JSON string, a map or a
     * record (records and maps become snake_case JSON objects).
     */
    public static OutgoingEvent of(EventType type, Object data) {
        JsonNode tree = data instanceof JsonNode n ? n : data instanceof String s ? Json.readTree(s) : Json.toTree(data);
        if (!tree.isObject()) {
            throw new IllegalArgumentException("data must be a JSON object, was " + tree.getNodeType());
        }
        return new OutgoingEvent(type, (ObjectNode) tree, null, null, null, null);
    }

    public OutgoingEvent withId(UUID value) {
        return new OutgoingEvent(type, data, value, correlationId, persistenceLevel, priority);
    }

    public OutgoingEvent withCorrelationId(String value) {
        return new OutgoingEvent(type, data, id, value, persistenceLevel, priority);
    }

    public OutgoingEvent withPersistenceLevel(PersistenceLevel value) {
        return new OutgoingEvent(type, data, id, correlationId, value, priority);
    }

    public OutgoingEvent withPriority(Priority value) {
        return new OutgoingEvent(type, data, id, correlationId, persistenceLevel, value);
    }

    /** The JSON object of this event in a publish body (a fresh copy). */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("type", type.wire());
        if (id != null) {
            o.put("id", id.toString());
        }
        o.set("data", data.deepCopy());
        if (correlationId != null) {
            o.put("correlation_id", correlationId);
        }
        if (persistenceLevel != null) {
            o.put("persistence_level", persistenceLevel.wire());
        }
        if (priority != null) {
            o.put("priority", priority.wire());
        }
        return o;
    }
}
