package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.config.DeliveryConfig;

/**
 * How one connection's outbound queue behaves: the node's delivery settings combined with the
 * options the client chose ({@code batch=true}, {@code compression=gzip}).
 *
 * @param batch                    coalesce waiting events into batch frames (PROTOCOL §5)
 * @param gzip                     send large event and batch frames as gzip binary frames (§6)
 * @param batchSize                most events in one batch frame
 * @param batchTimeNanos           longest an event waits for its batch; also how long after an
 *                                 event frame the connection counts as busy (0: batch only what
 *                                 piles up behind a full socket or an empty bucket)
 * @param batchMaxBytes            largest batch frame, in bytes of JSON
 * @param maxQueuedEvents          live events waiting before the connection is a slow consumer
 * @param maxQueuedBytes           bytes of live events waiting before it is a slow consumer
 * @param maxReplayBytes           bytes of replies and replayed events waiting before it is one
 * @param compressionThreshold     smallest frame worth compressing, in bytes
 * @param rateLimitTokens          outbound bucket size (0 disables the bucket)
 * @param rateLimitRefillPerSecond outbound bucket refill (0 disables the bucket)
 * @param view                     which form of each event the connection is sent (full or redacted)
 */
public record DeliveryPolicy(boolean batch, boolean gzip, int batchSize, long batchTimeNanos, int batchMaxBytes,
                             int maxQueuedEvents, long maxQueuedBytes, long maxReplayBytes, int compressionThreshold,
                             int rateLimitTokens, double rateLimitRefillPerSecond, EventView view) {

    public DeliveryPolicy {
        require(batchSize >= 1, "batchSize must be >= 1, was " + batchSize);
        require(batchTimeNanos >= 0, "batchTimeNanos must be >= 0, was " + batchTimeNanos);
        require(batchMaxBytes >= 64, "batchMaxBytes must be >= 64, was " + batchMaxBytes);
        require(maxQueuedEvents >= 1, "maxQueuedEvents must be >= 1, was " + maxQueuedEvents);
        require(maxQueuedBytes >= 1, "maxQueuedBytes must be >= 1, was " + maxQueuedBytes);
        require(maxReplayBytes >= 1, "maxReplayBytes must be >= 1, was " + maxReplayBytes);
        require(compressionThreshold >= 0, "compressionThreshold must be >= 0, was " + compressionThreshold);
        require(rateLimitTokens >= 0, "rateLimitTokens must be >= 0, was " + rateLimitTokens);
        require(rateLimitRefillPerSecond >= 0, "rateLimitRefillPerSecond must be >= 0, was " + rateLimitRefillPerSecond);
        require(view != null, "view must not be null");
    }

    /** A policy that sends events in full. */
    public DeliveryPolicy(boolean batch, boolean gzip, int batchSize, long batchTimeNanos, int batchMaxBytes,
                          int maxQueuedEvents, long maxQueuedBytes, long maxReplayBytes, int compressionThreshold,
                          int rateLimitTokens, double rateLimitRefillPerSecond) {
        this(batch, gzip, batchSize, batchTimeNanos, batchMaxBytes, maxQueuedEvents, maxQueuedBytes, maxReplayBytes,
                compressionThreshold, rateLimitTokens, rateLimitRefillPerSecond, EventView.FULL);
    }

    /** The policy of a connection with the given options under the node's settings. */
    public static DeliveryPolicy of(DeliveryConfig c, boolean batch, boolean gzip) {
        return new DeliveryPolicy(batch, gzip, c.batchSize(), c.batchTime().toNanos(), c.batchMaxBytes(),
                c.connectionQueueEvents(), c.connectionQueueBytes(), c.connectionReplayQueueBytes(),
                c.compressionThreshold(), c.rateLimitTokens(), c.rateLimitRefillPerSecond());
    }

    public DeliveryPolicy withBatch(boolean on) {
        return new DeliveryPolicy(on, gzip, batchSize, batchTimeNanos, batchMaxBytes, maxQueuedEvents, maxQueuedBytes,
                maxReplayBytes, compressionThreshold, rateLimitTokens, rateLimitRefillPerSecond, view);
    }

    public DeliveryPolicy withGzip(boolean on) {
        return new DeliveryPolicy(batch, on, batchSize, batchTimeNanos, batchMaxBytes, maxQueuedEvents, maxQueuedBytes,
                maxReplayBytes, compressionThreshold, rateLimitTokens, rateLimitRefillPerSecond, view);
    }

    public DeliveryPolicy withView(EventView v) {
        return new DeliveryPolicy(batch, gzip, batchSize, batchTimeNanos, batchMaxBytes, maxQueuedEvents, maxQueuedBytes,
                maxReplayBytes, compressionThreshold, rateLimitTokens, rateLimitRefillPerSecond, v);
    }

    public boolean rateLimited() {
        return rateLimitTokens > 0 && rateLimitRefillPerSecond > 0;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
