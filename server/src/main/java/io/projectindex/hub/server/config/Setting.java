package io.projectindex.hub.server.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration setting: its environment variable, its command-line flag, its default, a
 * description for {@code serve --help}, and how a text value is parsed and checked. A value can
 * come from (highest first) the flag, the environment, the config file, or the default.
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {
    private final String env;
    private final String flag;
    private final String defaultText;
    private final String description;
    private final Function<String, T> parser;
    private final boolean secret;

    private Setting(String env, String flag, String defaultText, String description, Function<String, T> parser,
                    boolean secret) {
        this.env = env;
        this.flag = flag;
        this.defaultText = defaultText;
        this.description = description;
        this.parser = parser;
        this.secret = secret;
    }

    /** An integer in [min, max]. */
    public static Setting<Integer> integer(String env, String flag, int def, int min, int max, String description) {
        return new Setting<>(env, flag, Integer.toString(def), description, text -> {
            long v;
            try {
                v = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be an integer in " + min + ".." + max);
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be " + min + ".." + max);
            }
            return (int) v;
        }, false);
    }

    /** A decimal number in [min, max]. */
    public static Setting<Double> decimal(String env, String flag, double def, double min, double max, String description) {
        return new Setting<>(env, flag, trim(def), description, text -> {
            double v;
            try {
                v = Double.parseDouble(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number in " + trim(min) + ".." + trim(max));
            }
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException("must be " + trim(min) + ".." + trim(max));
            }
            return v;
        }, false);
    }

    public static Setting<Boolean> bool(String env, String flag, boolean def, String description) {
        return new Setting<>(env, flag, Boolean.toString(def), description, text -> {
            String t = text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new IllegalArgumentException("must be true or false");
            };
        }, false);
    }

    /** Free text; {@code def} may be null (the setting is then unset unless given). */
    public static Setting<String> text(String env, String flag, String def, String description) {
        return new Setting<>(env, flag, def, description, String::trim, false);
    }

    /** Free text that is never printed (passwords, secrets). */
    public static Setting<String> secret(String env, String flag, String description) {
        return new Setting<>(env, flag, null, description, String::trim, true);
    }

    /** One of {@code choices} (case-insensitive, stored lower-case). */
    public static Setting<String> choice(String env, String flag, String def, List<String> choices, String description) {
        return new Setting<>(env, flag, def, description + " (" + String.join(", ", choices) + ")", text -> {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (!choices.contains(t)) {
                throw new IllegalArgumentException("must be one of " + String.join(", ", choices));
            }
            return t;
        }, false);
    }

    public String env() {
        return env;
    }

    /** The long option, e.g. {@code --port}. */
    public String flag() {
        return flag;
    }

    public String defaultText() {
        return defaultText;
    }

    public String description() {
        return description;
    }

    public boolean secret() {
        return secret;
    }

    /** Parses a text value; {@link IllegalArgumentException} says what is expected. */
    public T parse(String text) {
        return parser.apply(text);
    }

    private static String trim(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    @Override
    public String toString() {
        return env;
    }
}
