package io.projectindex.hub.client;

import java.util.UUID;

/**
 * A subscription could not resume where it left off: the hub answered {@code recovered:false}.
 * Nothing old was sent and live delivery continues from {@code current}; events between
 * {@code requested} and {@code current} may have been missed. The application decides: replay
 * from {@code requested} if the epoch is unchanged (see {@link HubClient#replay}), or reload its
 * state from its source of truth.
 *
 * @param reason    the hub's reason: {@code epoch_changed}, {@code history_expired} or {@code too_many}
 * @param requested the position the client asked to resume after (null when it resumed by time)
 * @param current   the stream's position when the subscription was re-established (null if the hub did not say)
 */
public record ResumeFailure(String subscriptionId, UUID projectId, String reason, Position requested, Position current) {
    public static final String EPOCH_CHANGED = "epoch_changed";
    public static final String HISTORY_EXPIRED = "history_expired";
    public static final String TOO_MANY = "too_many";

    /** True if the stream's history was lost: offsets of {@code requested} mean nothing any more. */
    public boolean epochChanged() {
        return EPOCH_CHANGED.equals(reason);
    }
}
