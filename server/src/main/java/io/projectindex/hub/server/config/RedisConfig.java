package io.projectindex.hub.server.config;

import java.util.List;
import java.util.Optional;

/** Redis for shared recent history and fan-out across nodes; off when no URL is set. */
public record RedisConfig(Optional<String> url) {
    public static final Setting<String> URL = Setting.secret("REDIS_URL", "--redis-url",
            "Redis URL (redis://[:password@]host:port[/db]); turns on multi-node mode");

    public static final List<Setting<?>> SETTINGS = List.of(URL);

    static RedisConfig from(SettingValues v) {
        return new RedisConfig(v.optional(URL).filter(s -> !s.isBlank()));
    }
}
