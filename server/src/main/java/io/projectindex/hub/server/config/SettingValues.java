package io.projectindex.hub.server.config;

import java.util.Map;
import java.util.Optional;

/**
 * The resolved value of every setting, with where each came from ({@code flag}, {@code env},
 * {@code file} or {@code default}). Immutable.
 */
public final class SettingValues {
    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, String> sources;

    SettingValues(Map<Setting<?>, Object> values, Map<Setting<?>, String> sources) {
        this.values = Map.copyOf(values);
        this.sources = Map.copyOf(sources);
    }

    /** The value; fails if the setting has no default and was not given. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting);
        if (v == null) {
            throw new IllegalStateException(setting.env() + " is not set");
        }
        return (T) v;
    }

    @SuppressWarnings("unchecked")
    public <T> Optional<T> optional(Setting<T> setting) {
        return Optional.ofNullable((T) values.get(setting));
    }

    /** Where the value came from: flag, env, file or default. */
    public String source(Setting<?> setting) {
        return sources.getOrDefault(setting, "default");
    }
}
