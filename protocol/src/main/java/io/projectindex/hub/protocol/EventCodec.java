package io.projectindex.hub.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Byte-level encoding of event envelopes and batch frames. The {@code data} object is serialised
 * once at publish; an envelope is that JSON wrapped in a few pre-encoded fields, and a batch is
 * the envelopes joined — no event is re-encoded per subscriber or per batch. Thread-safe.
 *
 * <p>Envelope field order: {@code type, id, data, timestamp, correlation_id, offset, epoch[, replay]}.
 */
public final class EventCodec {
    private static final byte[] TYPE = bytes("{\"type\":\"");
    private static final byte[] ID = bytes("\",\"id\":\"");
    private static final byte[] DATA = bytes("\",\"data\":");
    private static final byte[] TIMESTAMP = bytes(",\"timestamp\":\"");
    private static final byte[] CORRELATION = bytes("\",\"correlation_id\":");
    private static final byte[] OFFSET = bytes(",\"offset\":");
    private static final byte[] EPOCH = bytes(",\"epoch\":");
    private static final byte[] REPLAY = bytes(",\"replay\":true");
    private static final byte[] BATCH_HEAD = bytes("{\"type\":\"batch\",\"events\":[");
    private static final byte[] BATCH_TAIL = bytes("],\"timestamp\":\"");

    private EventCodec() {
    }

    /** The envelope of one event as UTF-8 JSON. */
    public static byte[] encode(EventType type, UUID id, byte[] dataJson, Instant timestamp, String correlationId,
                                long offset, String epoch, boolean replay) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(dataJson.length + 200);
        out.writeBytes(TYPE);
        out.writeBytes(bytes(type.wire()));
        out.writeBytes(ID);
        out.writeBytes(bytes(id.toString()));
        out.writeBytes(DATA);
        out.writeBytes(dataJson);
        out.writeBytes(TIMESTAMP);
        out.writeBytes(bytes(Timestamps.format(timestamp)));
        out.writeBytes(CORRELATION);
        out.writeBytes(Json.quote(correlationId));
        out.writeBytes(OFFSET);
        out.writeBytes(bytes(Long.toString(offset)));
        out.writeBytes(EPOCH);
        out.writeBytes(Json.quote(epoch));
        if (replay) {
            out.writeBytes(REPLAY);
        }
        out.write('}');
        return out.toByteArray();
    }

    /** Size in bytes of the batch frame {@link #batch} would build from these envelopes. */
    public static int batchSize(int envelopeBytes, int count) {
        return BATCH_HEAD.length + envelopeBytes + Math.max(0, count - 1) + BATCH_TAIL.length + 24 + 2;
    }

    /** {@code {"type":"batch","events":[…],"timestamp":"…"}} from already encoded envelopes. */
    public static byte[] batch(List<byte[]> envelopes, Instant timestamp) {
        // Built straight into an array of the exact size: one copy of each shared envelope, no
        // stream (this runs once per batch frame per connection).
        byte[] stamp = Timestamps.formatAscii(timestamp);
        int n = envelopes.size();
        int total = BATCH_HEAD.length + Math.max(0, n - 1) + BATCH_TAIL.length + stamp.length + 2;
        for (int i = 0; i < n; i++) {
            total += envelopes.get(i).length;
        }
        byte[] out = new byte[total];
        int at = put(BATCH_HEAD, out, 0);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            at = put(envelopes.get(i), out, at);
        }
        at = put(BATCH_TAIL, out, at);
        at = put(stamp, out, at);
        out[at++] = '"';
        out[at] = '}';
        return out;
    }

    private static int put(byte[] src, byte[] dst, int at) {
        System.arraycopy(src, 0, dst, at, src.length);
        return at + src.length;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
