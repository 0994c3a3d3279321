package io.projectindex.hub.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventCodec;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.protocol.data.EventData;

import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * An event with its position and acceptance timestamp, as held in history and fanned out.
 * Immutable, except for the lazily encoded wire forms: the live envelope and the replay envelope
 * ({@code "replay":true}) are each encoded at most once and the same bytes are written to every
 * connection; so is the compressed live envelope of gzip connections, and the redacted form
 * non-admin clients get ({@link #redacted}). Two threads racing on an
 * empty slot may both compute it; the results are equal and either is kept. Thread-safe.
 */
public final class StoredEvent {
    /** Cached answer "the compressor declined" (identity-compared, never written). */
    private static final byte[] NOT_COMPRESSED = new byte[0];

    private final NewEvent event;
    private final Instant timestamp;
    private final String epoch;
    private final long offset;
    private volatile byte[] liveFrame;
    private volatile byte[] replayFrame;
    private volatile byte[] compressedLiveFrame;
    private volatile StoredEvent redacted;

    public StoredEvent(NewEvent event, Instant timestamp, String epoch, long offset) {
        this.event = event;
        this.timestamp = timestamp;
        this.epoch = epoch;
        this.offset = offset;
    }

    public NewEvent source() {
        return event;
    }

    public EventType type() {
        return event.type();
    }

    public UUID id() {
        return event.id();
    }

    public UUID projectId() {
        return event.projectId();
    }

    public JsonNode data() {
        return event.data();
    }

    public EventData typedData() {
        return event.typedData();
    }

    public byte[] dataJson() {
        return event.dataJson();
    }

    public String correlationId() {
        return event.correlationId();
    }

    public PersistenceLevel persistence() {
        return event.persistence();
    }

    public Priority priority() {
        return event.priority();
    }

    public String contentHash() {
        return event.contentHash();
    }

    public Instant timestamp() {
        return timestamp;
    }

    public String epoch() {
        return epoch;
    }

    public long offset() {
        return offset;
    }

    public StreamPosition position() {
        return new StreamPosition(epoch, offset);
    }

    /** {@code data.session_id} as text, or null. */
    public String sessionId() {
        JsonNode s = event.data().get("session_id");
        return s != null && s.isTextual() ? s.textValue() : null;
    }

    /** When this event leaves history, or null if it never does. */
    public Instant expiresAt() {
        return event.persistence().ttl().map(timestamp::plus).orElse(null);
    }

    /** The envelope as UTF-8 JSON, encoded once per form. */
    public byte[] frame(boolean replay) {
        byte[] f = replay ? replayFrame : liveFrame;
        if (f == null) {
            f = EventCodec.encode(type(), id(), dataJson(), timestamp, correlationId(), offset, epoch, replay);
            if (replay) {
                replayFrame = f;
            } else {
                liveFrame = f;
            }
        }
        return f;
    }

    /**
     * The live envelope as compressing connections receive it: what {@code compressor} (the
     * delivery's gzip policy; the node has one) returns for {@link #frame frame(false)}, computed
     * once and shared; null when the compressor declined (the frame goes as text).
     */
    public byte[] compressedLiveFrame(UnaryOperator<byte[]> compressor) {
        byte[] c = compressedLiveFrame;
        if (c == null) {
            byte[] computed = compressor.apply(frame(false));
            c = computed == null ? NOT_COMPRESSED : computed;
            compressedLiveFrame = c;
        }
        return c == NOT_COMPRESSED ? null : c;
    }

    /**
     * This event as clients without full access receive it: what {@code redaction} (the node's
     * data protection; the node has one) returns for it — this same event when nothing is removed
     * — computed once and shared, with its own cached wire forms.
     */
    public StoredEvent redacted(UnaryOperator<StoredEvent> redaction) {
        StoredEvent r = redacted;
        if (r == null) {
            r = redaction.apply(this);
            redacted = r;
        }
        return r;
    }

    public Event toEvent(boolean replay) {
        return new Event(type(), id(), data(), typedData(), timestamp, correlationId(), offset, epoch, replay);
    }

    @Override
    public String toString() {
        return type().wire() + "#" + id() + "@" + projectId() + ":" + epoch + ":" + offset;
    }
}
