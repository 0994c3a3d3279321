package io.projectindex.hub.server.stream.jdbc;

import io.projectindex.hub.server.stream.StreamPosition;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the streams table: a project's epoch, newest offset and timestamp, and what expiry
 * removed. Not thread-safe: the writer mutates its copy inside a transaction; readers get their
 * own copies.
 */
final class StreamRow {
    final UUID projectId;
    final String epoch;
    long top;
    Instant lastTimestamp;
    long removedThrough;
    Instant removedUntil;
    /** Set by the writer when the row must be inserted, or updated, at commit. */
    boolean isNew;
    boolean dirty;

    StreamRow(UUID projectId, String epoch, long top, Instant lastTimestamp, long removedThrough, Instant removedUntil) {
        this.projectId = projectId;
        this.epoch = epoch;
        this.top = top;
        this.lastTimestamp = lastTimestamp;
        this.removedThrough = removedThrough;
        this.removedUntil = removedUntil;
    }

    StreamPosition position() {
        return new StreamPosition(epoch, top);
    }
}
