package io.projectindex.hub.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves every {@link Setting} from, highest first: command-line flags, environment variables,
 * the config file ({@code HUB_CONFIG}/{@code --config}), defaults. Every problem is collected
 * and reported at once, naming the key, the value and where it came from; nothing is clamped.
 *
 * <p>In the config file a setting may be written by its environment name
 * ({@code WEBSOCKET_BATCH_SIZE: 20}), in lower case, or by its flag name ({@code batch-size: 20}).
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * @param flags values given as flags, keyed by environment name
     * @param env   the environment (only keys of known settings are read)
     */
    public static HubConfig load(Map<String, String> flags, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> sections = new LinkedHashMap<>();
        Map<String, String> fileValues = new HashMap<>();

        String configPath = flags.containsKey(HubConfig.CONFIG_FILE.env()) ? flags.get(HubConfig.CONFIG_FILE.env())
                : env.get(HubConfig.CONFIG_FILE.env());
        if (configPath != null && !configPath.isBlank()) {
            readFile(Path.of(configPath.trim()), fileValues, sections, problems);
        }

        Map<Setting<?>, Object> values = new HashMap<>();
        Map<Setting<?>, String> sources = new HashMap<>();
        for (Setting<?> s : HubConfig.SETTINGS) {
            String text;
            String source;
            if (flags.containsKey(s.env())) {
                text = flags.get(s.env());
                source = "flag " + s.flag();
            } else if (env.containsKey(s.env())) {
                text = env.get(s.env());
                source = "environment";
            } else if (fileValues.containsKey(s.env())) {
                text = fileValues.get(s.env());
                source = "config file " + configPath;
            } else {
                text = s.defaultText();
                source = "default";
            }
            if (text == null) {
                continue;
            }
            try {
                values.put(s, s.parse(text));
                sources.put(s, source);
            } catch (IllegalArgumentException e) {
                String shown = s.secret() ? "(secret)" : "'" + text + "'";
                problems.add(s.env() + " " + e.getMessage() + ", was " + shown + " (from " + source + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return HubConfig.from(new SettingValues(values, sources), sections);
    }

    private static void readFile(Path path, Map<String, String> fileValues, Map<String, JsonNode> sections,
                                 List<String> problems) {
        JsonNode root;
        try {
            String text = Files.readString(path);
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
            root = mapper.readTree(text);
        } catch (IOException e) {
            problems.add("HUB_CONFIG cannot read " + path + ": " + e.getMessage());
            return;
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        if (!root.isObject()) {
            problems.add("HUB_CONFIG " + path + " must contain a mapping of settings and sections");
            return;
        }
        Map<String, Setting<?>> byName = new HashMap<>();
        for (Setting<?> s : HubConfig.SETTINGS) {
            byName.put(s.env().toLowerCase(Locale.ROOT), s);
            byName.put(s.flag().substring(2).toLowerCase(Locale.ROOT), s);
            byName.put(s.flag().substring(2).replace('-', '_').toLowerCase(Locale.ROOT), s);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = e.getKey();
            if (key.equals("redis")) {
                readRedisSection(e.getValue(), path, fileValues, problems);
                continue;
            }
            if (HubConfig.SECTIONS.contains(key)) {
                sections.put(key, e.getValue());
                continue;
            }
            Setting<?> s = byName.get(key.toLowerCase(Locale.ROOT));
            if (s == null || s == HubConfig.CONFIG_FILE) {
                problems.add("config file " + path + ": unknown key '" + key + "' (settings use their environment"
                        + " or flag names; sections: " + String.join(", ", HubConfig.SECTIONS.stream().sorted().toList()) + ")");
            } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                problems.add("config file " + path + ": " + key + " must be a single value");
            } else if (fileValues.containsKey(s.env())) {
                problems.add("config file " + path + ": " + key + " sets " + s.env() + " a second time"
                        + (REDIS_SECTION_SETTINGS.contains(s.env()) ? " (also set by the redis section)" : "") + "; keep one");
            } else {
                fileValues.put(s.env(), e.getValue().asText());
            }
        }
    }

    private static final List<String> REDIS_SECTION_KEYS =
            List.of("host", "port", "db", "password", "ssl", "connection_pool_size");
    private static final List<String> REDIS_SECTION_SETTINGS =
            List.of(RedisConfig.URL.env(), RedisConfig.PASSWORD.env(), RedisConfig.POOL_SIZE.env());

    /**
     * The original design's {@code redis:} block ({@code host}, {@code port}, {@code db},
     * {@code password}, {@code ssl}, {@code connection_pool_size}), read as {@code REDIS_URL},
     * {@code REDIS_PASSWORD} and {@code REDIS_POOL_SIZE}. Values are checked here only for shape;
     * the settings then validate them like any other.
     */
    private static void readRedisSection(JsonNode section, Path path, Map<String, String> fileValues, List<String> problems) {
        String where = "config file " + path + ": redis";
        if (!section.isObject()) {
            problems.add(where + " must be a mapping of " + String.join(", ", REDIS_SECTION_KEYS));
            return;
        }

        for (Iterator<String> names = section.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!REDIS_SECTION_KEYS.contains(name)) {
                problems.add(where + ": unknown key '" + name + "' (known: " + String.join(", ", REDIS_SECTION_KEYS) + ")");
            }
        }
        String host = text(section, "host", "localhost");
        String port = text(section, "port", "6379");
        String db = text(section, "db", "0");
        if (host.isBlank() || host.contains("/") || host.contains("@")) {
            problems.add(where + ".host must be a host name or address, was '" + host + "'");
            return;
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            problems.add(where + ".port must be 1-65535, was '" + port + "'");
            return;
        }
        if (!db.matches("\\d{1,5}")) {
            problems.add(where + ".db must be a database number, was '" + db + "'");
            return;
        }
        JsonNode ssl = section.path("ssl");
        if (!ssl.isMissingNode() && !ssl.isNull() && !ssl.isBoolean()) {
            problems.add(where + ".ssl must be true or false, was '" + ssl.asText() + "'");
            return;
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        Map<String, String> values = new LinkedHashMap<>();
        values.put(RedisConfig.URL.env(), (ssl.asBoolean(false) ? "rediss" : "redis") + "://" + hostPart + ":" + port + "/" + db);
        JsonNode password = section.path("password");
        if (!password.isMissingNode() && !password.isNull()) {
            values.put(RedisConfig.PASSWORD.env(), password.asText());
        }
        JsonNode pool = section.path("connection_pool_size");
        if (!pool.isMissingNode() && !pool.isNull()) {
            values.put(RedisConfig.POOL_SIZE.env(), pool.asText());
        }
        values.forEach((env, value) -> {
            if (fileValues.putIfAbsent(env, value) != null) {
                problems.add("config file " + path + ": " + env + " is set both on its own and by the redis section; keep one");
            }
        });
    }

    private static String text(JsonNode section, String name, String def) {
        JsonNode n = section.path(name);
        return n.isMissingNode() || n.isNull() ? def : n.asText().trim();
    }
}
