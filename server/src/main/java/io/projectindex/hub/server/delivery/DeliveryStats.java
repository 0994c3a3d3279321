package io.projectindex.hub.server.delivery;

/**
 * What one connection's {@link OutboundQueue} has done: frames, events and bytes written,
 * compression, conflation and rate limiting. Write outcomes, latency and violation episodes are in
 * its {@link ConnectionHealth}. For {@code get_stats}, logs and metrics.
 *
 * <p>Not thread-safe: confined to the connection's event loop (read it there too).
 */
public final class DeliveryStats {
    long eventsSent;
    long replaySent;
    long controlSent;
    long framesSent;
    long batchesSent;
    long bytesSent;
    long compressedFrames;
    long compressionSavedBytes;
    long conflated;
    long withdrawn;
    long rateLimitedEvents;

    /** Live events written. */
    public long eventsSent() {
        return eventsSent;
    }

    /** Replayed events written. */
    public long replaySent() {
        return replaySent;
    }

    /** Replies written. */
    public long controlSent() {
        return controlSent;
    }

    public long framesSent() {
        return framesSent;
    }

    /** Frames holding more than one event. */
    public long batchesSent() {
        return batchesSent;
    }

    /** Bytes handed to the socket (the compressed size for gzip frames). */
    public long bytesSent() {
        return bytesSent;
    }

    public long compressedFrames() {
        return compressedFrames;
    }

    /** JSON bytes minus gzip bytes, over all compressed frames. */
    public long compressionSavedBytes() {
        return compressionSavedBytes;
    }

    /** Waiting progress events replaced by a newer one of their session. */
    public long conflated() {
        return conflated;
    }

    /** Waiting live events removed because the client unsubscribed from them. */
    public long withdrawn() {
        return withdrawn;
    }

    /** Live events offered while the connection was rate limited. */
    public long rateLimitedEvents() {
        return rateLimitedEvents;
    }
}
