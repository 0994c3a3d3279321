package io.projectindex.hub.server.config;

import java.util.List;

/**
 * Limits of the publish API.
 *
 * @param rateLimitPerSecond events per second one publisher (principal) may publish across all
 *                           nodes; 0 turns the limit off
 * @param rateBurst          events one publisher may publish at once above the rate
 */
public record PublishConfig(int maxEvents, int maxBodyBytes, double rateLimitPerSecond, int rateBurst) {
    /** Publish rate limit (0 = off). */
    public static final double DEFAULT_RATE_LIMIT = 0;
    /** Publish burst (100 events). */
    public static final int DEFAULT_RATE_BURST = 100;

    public static final Setting<Integer> MAX_EVENTS = Setting.integer("PUBLISH_MAX_EVENTS", "--publish-max-events",
            1000, 1, 100_000, "most events in one publish request");
    public static final Setting<Integer> MAX_BODY_BYTES = Setting.integer("PUBLISH_MAX_BODY_BYTES",
            "--publish-max-body-bytes", 10 * 1024 * 1024, 1024, Integer.MAX_VALUE,
            "largest publish request body, in bytes (413 above it)");
    public static final Setting<Double> RATE_LIMIT = Setting.decimal("PUBLISH_RATE_LIMIT", "--publish-rate-limit",
            DEFAULT_RATE_LIMIT, 0, 10_000_000, "events per second one publisher may publish, shared by all nodes"
                    + " through Redis (0 = unlimited); beyond it 429 with Retry-After");
    public static final Setting<Integer> RATE_BURST = Setting.integer("PUBLISH_RATE_BURST", "--publish-rate-burst",
            DEFAULT_RATE_BURST, 1, 10_000_000, "events one publisher may publish at once above PUBLISH_RATE_LIMIT");

    public static final List<Setting<?>> SETTINGS = List.of(MAX_EVENTS, MAX_BODY_BYTES, RATE_LIMIT, RATE_BURST);

    static PublishConfig from(SettingValues v) {
        return new PublishConfig(v.get(MAX_EVENTS), v.get(MAX_BODY_BYTES), v.get(RATE_LIMIT), v.get(RATE_BURST));
    }

    /** True when publishes are rate-limited. */
    public boolean rateLimited() {
        return rateLimitPerSecond > 0;
    }
}
