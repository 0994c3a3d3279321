package io.projectindex.hub.server.config;

import java.time.Duration;
import java.util.List;

/**
 * The outbound path of each connection: token bucket, batching window, queue bounds, compression.
 *
 * @param totalQueueEvents bound on live events waiting across all connections of this node
 * @param connectionReplayQueueBytes bound on replies and replayed events waiting on one connection
 */
public record DeliveryConfig(int rateLimitTokens, double rateLimitRefillPerSecond, int batchSize, Duration batchTime,
                             int batchMaxBytes, int totalQueueEvents, int connectionQueueEvents,
                             int connectionQueueBytes, int connectionReplayQueueBytes, int compressionThreshold) {

    public static final Setting<Integer> RATE_LIMIT_TOKENS = Setting.integer("WEBSOCKET_RATE_LIMIT_TOKENS",
            "--rate-limit-tokens", 100, 0, 10_000_000, "outbound event bucket size per connection (0 disables)");
    public static final Setting<Double> RATE_LIMIT_REFILL = Setting.decimal("WEBSOCKET_RATE_LIMIT_REFILL",
            "--rate-limit-refill", 10.0, 0, 10_000_000, "outbound bucket refill, events per second (0 disables)");
    public static final Setting<Integer> BATCH_SIZE = Setting.integer("WEBSOCKET_BATCH_SIZE", "--batch-size", 10, 1,
            1000, "most events in one batch frame");
    public static final Setting<Integer> BATCH_TIME_MS = Setting.integer("WEBSOCKET_BATCH_TIME_MS", "--batch-time-ms",
            100, 0, 60_000, "longest an event waits for its batch to fill, in milliseconds");
    public static final Setting<Integer> BATCH_MAX_BYTES = Setting.integer("WEBSOCKET_BATCH_MAX_BYTES",
            "--batch-max-bytes", 8192, 256, 16 * 1024 * 1024, "largest batch frame, in bytes of JSON");
    public static final Setting<Integer> QUEUE_SIZE = Setting.integer("WEBSOCKET_QUEUE_SIZE", "--queue-size", 10_000,
            1, 100_000_000, "live events waiting to be written, in total across this node's connections; "
                    + "a connection that cannot queue an event within it is closed as a slow consumer (4008)");
    public static final Setting<Integer> CONNECTION_QUEUE_EVENTS = Setting.integer("WEBSOCKET_CONNECTION_QUEUE_EVENTS",
            "--connection-queue-events", 1000, 1, 10_000_000,
            "events waiting on one connection before it is closed as a slow consumer (4008)");
    public static final Setting<Integer> CONNECTION_QUEUE_BYTES = Setting.integer("WEBSOCKET_CONNECTION_QUEUE_BYTES",
            "--connection-queue-bytes", 1024 * 1024, 1024, Integer.MAX_VALUE,
            "bytes waiting on one connection before it is closed as a slow consumer (4008)");
    public static final Setting<Integer> CONNECTION_REPLAY_QUEUE_BYTES = Setting.integer(
            "WEBSOCKET_CONNECTION_REPLAY_QUEUE_BYTES", "--connection-replay-queue-bytes", 16 * 1024 * 1024, 64 * 1024,
            Integer.MAX_VALUE, "bytes of replies and replayed events waiting on one connection before it is closed "
                    + "as a slow consumer (4008); replay is paced by max_events and WEBSOCKET_RESUME_MAX_EVENTS");
    public static final Setting<Integer> COMPRESSION_THRESHOLD = Setting.integer("WEBSOCKET_COMPRESSION_THRESHOLD",
            "--compression-threshold", 1024, 0, 16 * 1024 * 1024, "smallest frame worth compressing, in bytes");

    public static final List<Setting<?>> SETTINGS = List.of(RATE_LIMIT_TOKENS, RATE_LIMIT_REFILL, BATCH_SIZE,
            BATCH_TIME_MS, BATCH_MAX_BYTES, QUEUE_SIZE, CONNECTION_QUEUE_EVENTS, CONNECTION_QUEUE_BYTES,
            CONNECTION_REPLAY_QUEUE_BYTES, COMPRESSION_THRESHOLD);

    static DeliveryConfig from(SettingValues v) {
        return new DeliveryConfig(v.get(RATE_LIMIT_TOKENS), v.get(RATE_LIMIT_REFILL), v.get(BATCH_SIZE),
                Duration.ofMillis(v.get(BATCH_TIME_MS)), v.get(BATCH_MAX_BYTES), v.get(QUEUE_SIZE),
                v.get(CONNECTION_QUEUE_EVENTS), v.get(CONNECTION_QUEUE_BYTES), v.get(CONNECTION_REPLAY_QUEUE_BYTES),
                v.get(COMPRESSION_THRESHOLD));
    }

    /** True when the outbound token bucket is on. */
    public boolean rateLimited() {
        return rateLimitTokens > 0 && rateLimitRefillPerSecond > 0;
    }
}
