package io.projectindex.hub.server.delivery;

/**
 * One WebSocket frame an {@link OutboundQueue} hands to its sink, and back with its completion.
 *
 * @param bytes         what to write: UTF-8 JSON, or its gzip when {@code binary}
 * @param binary        a gzip binary frame (PROTOCOL §6) rather than a text frame
 * @param kind          a reply, live events or replayed events
 * @param events        events in the frame: 0 for a reply, 1 for an envelope, more for a batch
 * @param jsonBytes     size of the JSON before compression
 * @param enqueuedNanos when the oldest content of the frame was offered (hub clock {@code nanoTime})
 * @param first         the first event of the frame (null for a reply), for delivery-latency metrics
 */
public record OutboundFrame(byte[] bytes, boolean binary, Kind kind, int events, int jsonBytes, long enqueuedNanos,
                            io.projectindex.hub.server.stream.StoredEvent first) {

    /** What a frame carries. */
    public enum Kind {
        /** An ack, error, pong, welcome or notice; always text. */
        CONTROL,
        /** Live events. */
        LIVE,
        /** Replayed events ({@code "replay":true}). */
        REPLAY
    }

    public boolean batch() {
        return events > 1;
    }
}
