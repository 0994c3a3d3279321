package io.projectindex.hub.server.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration, loaded once at start: defaults ← config file ← environment ← flags,
 * every value validated (see {@link ConfigLoader}). Structured settings that do not fit one
 * environment variable (global filter rules, alert rules, redaction) come from named sections
 * of the config file; their owners validate them at start.
 */
public record HubConfig(
        ServerConfig server,
        WebSocketConfig websocket,
        DeliveryConfig delivery,
        PublishConfig publish,
        HistoryConfig history,
        RedisConfig redis,
        MonitoringConfig monitoring,
        AuthConfig auth,
        Map<String, JsonNode> sections) {

    /** The setting that names the config file (read before the file itself). */
    public static final Setting<String> CONFIG_FILE = Setting.text("HUB_CONFIG", "--config", null,
            "YAML or JSON file with settings and structured sections (global_filters, alert_rules, redact)");

    /** Structured sections a config file may contain. */
    public static final Set<String> SECTIONS = Set.of("global_filters", "alert_rules", "redact");

    /** Every setting, in the order {@code serve --help} lists them. */
    public static final List<Setting<?>> SETTINGS;

    static {
        List<Setting<?>> all = new ArrayList<>();
        all.add(CONFIG_FILE);
        all.addAll(ServerConfig.SETTINGS);
        all.addAll(WebSocketConfig.SETTINGS);
        all.addAll(DeliveryConfig.SETTINGS);
        all.addAll(PublishConfig.SETTINGS);
        all.addAll(HistoryConfig.SETTINGS);
        all.addAll(RedisConfig.SETTINGS);
        all.addAll(MonitoringConfig.SETTINGS);
        all.addAll(AuthConfig.SETTINGS);
        SETTINGS = Collections.unmodifiableList(all);
    }

    public HubConfig {
        sections = Map.copyOf(sections);
    }

    static HubConfig from(SettingValues v, Map<String, JsonNode> sections) {
        return new HubConfig(ServerConfig.from(v), WebSocketConfig.from(v), DeliveryConfig.from(v),
                PublishConfig.from(v), HistoryConfig.from(v), RedisConfig.from(v), MonitoringConfig.from(v), AuthConfig.from(v),
                sections);
    }

    /** The configuration with all defaults and the given overrides (keys are environment names); for tests and tools. */
    public static HubConfig of(Map<String, String> overrides) {
        return ConfigLoader.load(Map.of(), overrides);
    }

    public Optional<JsonNode> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }
}
