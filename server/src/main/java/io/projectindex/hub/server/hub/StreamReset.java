package io.projectindex.hub.server.hub;

import io.projectindex.hub.server.stream.StreamPosition;

import java.util.Objects;
import java.util.UUID;

/**
 * A project's live stream on this node could not continue without a hole: events were lost before
 * they reached this node ({@code history_expired}: the gap is no longer in history) or the stream's
 * history was lost ({@code epoch_changed}). Subscribers are told, as a {@code stream_reset} notice,
 * and continue after {@code position}: the next live event of the project is the one after it.
 */
public record StreamReset(UUID projectId, String reason, StreamPosition position) {
    public static final String HISTORY_EXPIRED = "history_expired";
    public static final String EPOCH_CHANGED = "epoch_changed";

    public StreamReset {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(position, "position");
        if (!HISTORY_EXPIRED.equals(reason) && !EPOCH_CHANGED.equals(reason)) {
            throw new IllegalArgumentException("reason must be history_expired or epoch_changed, was " + reason);
        }
    }
}
