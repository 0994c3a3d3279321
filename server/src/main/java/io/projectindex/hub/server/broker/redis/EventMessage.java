package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * The encoding of one event on the fan-out channels and in the Redis log: everything a
 * {@link StoredEvent} holds, as UTF-8 lines, the data JSON last and verbatim:
 * <pre>
 *   epoch \n offset \n timestamp-ms \n            (written by the publish script)
 *   v1 \n type \n id \n project \n persistence \n priority \n content-hash \n correlation-id \n data-json
 * </pre>
 * The node builds the part from {@code v1} on ({@link #body}); the script, which assigns the
 * position, puts the first three lines in front. Every field but the data is printable ASCII
 * without line breaks (correlation ids are validated so), and compact JSON never holds a raw line
 * break either. Thread-safe (stateless).
 */
public final class EventMessage {
    static final String VERSION = "v1";
    private static final int HEADER_LINES = 3;
    private static final int BODY_LINES = 8;

    private EventMessage() {
    }

    /** The node's part of the message: everything but the position and timestamp. */
    public static byte[] body(NewEvent e) {
        String head = VERSION + '\n' + e.type().wire() + '\n' + e.id() + '\n' + e.projectId() + '\n'
                + e.persistence().wire() + '\n' + e.priority().wire() + '\n' + e.contentHash() + '\n'
                + e.correlationId() + '\n';
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] data = e.dataJson();
        byte[] out = Arrays.copyOf(h, h.length + data.length);
        System.arraycopy(data, 0, out, h.length, data.length);
        return out;
    }

    /** The whole message, as the publish script writes it (for tests and tools). */
    public static byte[] encode(StoredEvent e) {
        byte[] head = (e.epoch() + '\n' + e.offset() + '\n' + e.timestamp().toEpochMilli() + '\n')
                .getBytes(StandardCharsets.US_ASCII);
        byte[] body = body(e.source());
        byte[] out = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** Decodes a message; {@link IllegalArgumentException} says what is wrong with a malformed one. */
    public static StoredEvent decode(byte[] m) {
        String[] lines = new String[HEADER_LINES + BODY_LINES];
        int pos = 0;
        for (int i = 0; i < lines.length; i++) {
            int nl = indexOf(m, pos);
            if (nl < 0) {
                throw new IllegalArgumentException("message ends after " + i + " of " + lines.length + " header lines");
            }
            lines[i] = new String(m, pos, nl - pos, StandardCharsets.US_ASCII);
            pos = nl + 1;
        }
        if (!VERSION.equals(lines[3])) {
            throw new IllegalArgumentException("unknown message version '" + lines[3] + "'");
        }
        String epoch = lines[0];
        long offset = parseLong(lines[1], "offset");
        Instant timestamp = Instant.ofEpochMilli(parseLong(lines[2], "timestamp"));
        EventType type = EventType.fromWire(lines[4])
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + lines[4] + "'"));
        UUID id = uuid(lines[5], "id");
        UUID project = uuid(lines[6], "project");
        PersistenceLevel persistence = PersistenceLevel.fromWire(lines[7])
                .orElseThrow(() -> new IllegalArgumentException("unknown persistence level '" + lines[7] + "'"));
        Priority priority = Priority.fromWire(lines[8])
                .orElseThrow(() -> new IllegalArgumentException("unknown priority '" + lines[8] + "'"));
        byte[] dataJson = Arrays.copyOfRange(m, pos, m.length);
        JsonNode data;
        try {
            data = Json.readTree(dataJson);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("data is not JSON: " + e.getMessage());
        }
        NewEvent e = new NewEvent(type, id, project, data, EventData.view(type, data), dataJson, lines[10], persistence,
                priority, lines[9]);
        return new StoredEvent(e, timestamp, epoch, offset);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number: '" + s + "'");
        }
    }

    private static UUID uuid(String s, String what) {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a UUID: '" + s + "'");
        }
    }
}
