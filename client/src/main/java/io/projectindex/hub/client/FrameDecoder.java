package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.message.ServerMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Turns one frame from the hub into events or one control message: a text frame holds one JSON
 * object — an event envelope, a {@code batch} of envelopes, or a control frame
 * {@code {type, data, timestamp, correlation_id?}}; a binary frame holds the gzip of such a text
 * (PROTOCOL §5, §6). Anything else is an {@code INVALID_MESSAGE} {@link ProtocolException}.
 * Thread-safe (stateless).
 */
final class FrameDecoder {
    private FrameDecoder() {
    }

    /** What one frame carried. */
    sealed interface Inbound permits Events, Control {
    }

    /** One event, or the events of a batch in their order. */
    record Events(List<Event> events) implements Inbound {
    }

    /** A control frame: welcome, an ack, an error, a notice, … */
    record Control(String type, JsonNode data, String correlationId) implements Inbound {
    }

    static Inbound decodeText(String text) {
        JsonNode root = Json.readTree(text);
        if (!root.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a frame must be a JSON object");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a frame must have a string type");
        }
        String type = typeNode.textValue();
        if (EventType.fromWire(type).isPresent()) {
            return new Events(List.of(Event.fromWire(root)));
        }
        if (ServerMessage.BATCH.equals(type)) {
            JsonNode events = root.get("events");
            if (events == null || !events.isArray()) {
                throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a batch must have an events list");
            }
            List<Event> out = new ArrayList<>(events.size());
            for (JsonNode e : events) {
                out.add(Event.fromWire(e));
            }
            return new Events(out);
        }
        JsonNode correlation = root.get("correlation_id");
        JsonNode data = root.get("data");
        return new Control(type, data == null ? Json.object() : data,
                correlation != null && correlation.isTextual() ? correlation.textValue() : null);
    }

    /** A gzip-compressed frame; more than {@code maxBytes} of JSON once inflated is refused. */
    static Inbound decodeBinary(byte[] gzip, int maxBytes) {
        return decodeText(Json.utf8(gunzip(gzip, maxBytes)));
    }

    static byte[] gunzip(byte[] gzip, int maxBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, gzip.length * 4 + 64));
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > maxBytes) {
                    throw new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
                            "a compressed frame inflates to more than " + maxBytes + " bytes");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a binary frame is not valid gzip: " + e.getMessage());
        }
    }
}
