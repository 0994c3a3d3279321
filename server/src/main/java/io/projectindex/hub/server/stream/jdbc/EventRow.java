package io.projectindex.hub.server.stream.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.stream.ContentHash;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * An event row as read from the history table, before it is trusted. {@link #decode} rebuilds the
 * {@link StoredEvent} and checks the stored checksum against the data: a row whose data no longer
 * hashes to its checksum (or cannot be read at all) is corrupt and is never delivered.
 *
 * @param data the event's {@code data} as JSON text
 */
record EventRow(UUID id, UUID projectId, String type, String data, String checksum, String contentHash,
                String correlationId, String persistence, String priority, Instant createdAt, long seq, String epoch) {

    /** A row that must not be delivered, with the reason. */
    static final class CorruptRowException extends Exception {
        CorruptRowException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The stored event, with its checksum verified when {@code verify} is set. With
     * {@code reencode} the data is written again in the hub's compact form (for stores whose JSON
     * column gives back its own formatting).
     */
    StoredEvent decode(boolean verify, boolean reencode) throws CorruptRowException {
        EventType t = EventType.fromWire(type).orElseThrow(() -> new CorruptRowException("unknown event type " + type));
        PersistenceLevel p = PersistenceLevel.fromWire(persistence)
                .orElseThrow(() -> new CorruptRowException("unknown persistence level " + persistence));
        Priority pr = Priority.fromWire(priority).orElse(t.defaultPriority());
        JsonNode node;
        try {
            node = Json.readTree(data);
        } catch (RuntimeException e) {
            throw new CorruptRowException("data is not JSON: " + e.getMessage());
        }
        if (verify && !ContentHash.ofData(node).equals(checksum)) {
            throw new CorruptRowException("checksum mismatch");
        }
        NewEvent e = new NewEvent(t, id, projectId, node, EventData.view(t, node),
                reencode ? Json.writeBytes(node) : data.getBytes(StandardCharsets.UTF_8),
                correlationId, p, pr, contentHash);
        return new StoredEvent(e, createdAt, epoch, seq);
    }
}
