package io.projectindex.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.data.EventData;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An event as it travels to subscribers (PROTOCOL §2): type, id, the publisher's {@code data}
 * exactly as given, the acceptance timestamp, the correlation id and its position
 * {@code (epoch, offset)} in its project's stream. {@code replay} is true for events sent by
 * replay or resume.
 */
public record Event(
        EventType type,
        UUID id,
        JsonNode data,
        EventData typedData,
        Instant timestamp,
        String correlationId,
        long offset,
        String epoch,
        boolean replay) {

    public UUID projectId() {
        return typedData.projectId();
    }

    /** The typed data if it is of {@code type}. */
    public <T extends EventData> Optional<T> data(Class<T> type) {
        return type.isInstance(typedData) ? Optional.of(type.cast(typedData)) : Optional.empty();
    }

    /** Reads an event envelope received from a hub; {@code INVALID_MESSAGE} if it is not one. */
    public static Event fromWire(JsonNode node) {
        List<FieldError> errors = new ArrayList<>();
        JsonFields f = JsonFields.checked(node, "", errors);
        EventType type = f.enumValue("type", EventType::fromWire, EventType.WIRE_NAMES, true);
        UUID id = f.uuid("id", true);
        Instant timestamp = f.instant("timestamp", true);
        String correlationId = f.string("correlation_id", false, 256);
        Long offset = f.integer("offset", 0, Long.MAX_VALUE, false);
        String epoch = f.string("epoch", false, 256);
        Boolean replay = f.bool("replay", false);
        JsonNode data = node.get("data");
        if (data == null || !data.isObject()) {
            errors.add(new FieldError("data", "must be an object"));
        }
        if (!errors.isEmpty()) {
            FieldError e = errors.get(0);
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "not an event: " + e.field() + " " + e.message());
        }
        return new Event(type, id, data, EventData.view(type, data), timestamp, correlationId,
                offset == null ? 0 : offset, epoch, Boolean.TRUE.equals(replay));
    }
}
