package io.projectindex.hub.server.config;

import java.util.List;

/** Limits of the publish API. */
public record PublishConfig(int maxEvents, int maxBodyBytes) {
    public static final Setting<Integer> MAX_EVENTS = Setting.integer("PUBLISH_MAX_EVENTS", "--publish-max-events",
            1000, 1, 100_000, "most events in one publish request");
    public static final Setting<Integer> MAX_BODY_BYTES = Setting.integer("PUBLISH_MAX_BODY_BYTES",
            "--publish-max-body-bytes", 10 * 1024 * 1024, 1024, Integer.MAX_VALUE,
            "largest publish request body, in bytes (413 above it)");

    public static final List<Setting<?>> SETTINGS = List.of(MAX_EVENTS, MAX_BODY_BYTES);

    static PublishConfig from(SettingValues v) {
        return new PublishConfig(v.get(MAX_EVENTS), v.get(MAX_BODY_BYTES));
    }
}
