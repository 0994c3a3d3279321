package io.projectindex.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the fields of one JSON object by name and collects every problem as a {@link FieldError}
 * with its full path, so a caller can report all of them at once. Checked readers add an error
 * when a present field has the wrong type or value (or a required one is missing); the
 * {@code …Lenient} readers never add errors and treat a wrong type as absent. A reader created
 * without an error list is lenient everywhere. JSON {@code null} counts as absent.
 *
 * <p>Not thread-safe; one instance per decode.
 */
public final class JsonFields {
    private static final Pattern UUID_TEXT =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private final JsonNode node;
    private final String path;
    private final List<FieldError> errors;

    private JsonFields(JsonNode node, String path, List<FieldError> errors) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.errors = errors;
    }

    /** A reader that records problems in {@code errors}; {@code path} prefixes field names ("" for the root). */
    public static JsonFields checked(JsonNode node, String path, List<FieldError> errors) {
        return new JsonFields(node, path, errors);
    }

    /** A reader that never records problems: wrong types read as absent. */
    public static JsonFields lenient(JsonNode node) {
        return new JsonFields(node, "", null);
    }

    public JsonNode node() {
        return node;
    }

    public boolean isObject() {
        return node.isObject();
    }

    /** Present and not JSON null. */
    public boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    public JsonNode raw(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    public String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Number of problems recorded so far (0 for a lenient reader). */
    public int errorCount() {
        return errors == null ? 0 : errors.size();
    }

    public void error(String name, String message) {
        if (errors != null) {
            errors.add(new FieldError(path(name), message));
        }
    }

    private boolean missing(String name, boolean required) {
        if (has(name)) {
            return false;
        }
        if (required) {
            error(name, "is required");
        }
        return true;
    }

    public static boolean isUuid(String text) {
        return text != null && UUID_TEXT.matcher(text).matches();
    }

    public UUID uuid(String name, boolean required) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isTextual() || !isUuid(v.textValue())) {
            error(name, "must be a UUID string like 3f0c2d1e-8b7a-4c55-9e0f-1a2b3c4d5e6f");
            return null;
        }
        return UUID.fromString(v.textValue());
    }

    public UUID uuidLenient(String name) {
        JsonNode v = raw(name);
        return v != null && v.isTextual() && isUuid(v.textValue()) ? UUID.fromString(v.textValue()) : null;
    }

    public String string(String name, boolean required, int maxLength) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isTextual()) {
            error(name, "must be a string");
            return null;
        }
        String s = v.textValue();
        if (required && s.isEmpty()) {
            error(name, "must not be empty");
            return null;
        }
        if (s.length() > maxLength) {
            error(name, "must be at most " + maxLength + " characters, was " + s.length());
            return null;
        }
        return s;
    }

    public String stringLenient(String name) {
        JsonNode v = raw(name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** An integer in [min, max]. Floats with a fractional part and out-of-range values are errors. */
    public Long integer(String name, long min, long max, boolean required) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isIntegralNumber() && !(v.isNumber() && isWhole(v))) {
            error(name, "must be an integer" + range(min, max));
            return null;
        }
        if (!v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            error(name, "must be an integer" + range(min, max) + ", was " + v.asText());
            return null;
        }
        return v.longValue();
    }

    /** A non-negative integer (a count). */
    public Long count(String name) {
        return integer(name, 0, Long.MAX_VALUE, false);
    }

    public Long integerLenient(String name) {
        JsonNode v = raw(name);
        return v != null && v.isNumber() && isWhole(v) && v.canConvertToLong() ? v.longValue() : null;
    }

    public Double number(String name, double min, double max, boolean required) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isNumber()) {
            error(name, "must be a number" + range(min, max));
            return null;
        }
        double d = v.doubleValue();
        if (Double.isNaN(d) || d < min || d > max) {
            error(name, "must be a number" + range(min, max) + ", was " + v.asText());
            return null;
        }
        return d;
    }

    public Double numberLenient(String name) {
        JsonNode v = raw(name);
        if (v == null || !v.isNumber()) {
            return null;
        }
        double d = v.doubleValue();
        return Double.isFinite(d) ? d : null;
    }

    public Boolean bool(String name, boolean required) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isBoolean()) {
            error(name, "must be true or false");
            return null;
        }
        return v.booleanValue();
    }

    public Boolean boolLenient(String name) {
        JsonNode v = raw(name);
        return v != null && v.isBoolean() ? v.booleanValue() : null;
    }

    public <E> E enumValue(String name, Function<String, Optional<E>> parse, List<String> allowed, boolean required) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        Optional<E> e = v.isTextual() ? parse.apply(v.textValue()) : Optional.empty();
        if (e.isEmpty()) {
            error(name, "must be one of " + String.join(", ", allowed) + ", was " + abbreviate(v.toString()));
            return null;
        }
        return e.get();
    }

    public <E> E enumLenient(String name, Function<String, Optional<E>> parse) {
        String s = stringLenient(name);
        return s == null ? null : parse.apply(s).orElse(null);
    }

    public Instant instant(String name, boolean required) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        Optional<Instant> t = v.isTextual() ? Timestamps.parse(v.textValue()) : Optional.empty();
        if (t.isEmpty()) {
            error(name, "must be an ISO-8601 timestamp like 2025-01-15T12:00:00Z, was " + abbreviate(v.toString()));
            return null;
        }
        return t.get();
    }

    /** A list of strings; each item non-empty and at most {@code maxLength} characters. */
    public List<String> stringList(String name, int maxItems, int maxLength, boolean required) {
        if (missing(name, required)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isArray()) {
            error(name, "must be a list of strings");
            return null;
        }
        if (v.size() > maxItems) {
            error(name, "must have at most " + maxItems + " items, had " + v.size());
            return null;
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() || item.textValue().isEmpty() || item.textValue().length() > maxLength) {
                error(name + "[" + i + "]", "must be a non-empty string of at most " + maxLength + " characters");
                return null;
            }
            out.add(item.textValue());
        }
        return List.copyOf(out);
    }

    /** Strings of a list; non-string items are skipped. Absent or not a list gives an empty list. */
    public List<String> stringListLenient(String name) {
        JsonNode v = raw(name);
        if (v == null || !v.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(v.size());
        v.forEach(item -> {
            if (item.isTextual()) {
                out.add(item.textValue());
            }
        });
        return List.copyOf(out);
    }

    /** True when the field is present and a list (of anything). */
    public boolean isList(String name) {
        JsonNode v = raw(name);
        return v != null && v.isArray();
    }

    /** A checked reader over a nested object; a present non-object is an error and reads as empty. */
    public JsonFields object(String name, boolean required) {
        if (missing(name, required)) {
            return new JsonFields(MissingNode.getInstance(), path(name), errors);
        }
        JsonNode v = node.get(name);
        if (!v.isObject()) {
            error(name, "must be an object");
            return new JsonFields(MissingNode.getInstance(), path(name), errors);
        }
        return new JsonFields(v, path(name), errors);
    }

    /**
     * A reader over a nested object that does not complain when the field is absent or not an
     * object (it then reads as empty), but keeps checking the fields inside a real object.
     */
    public JsonFields objectLenient(String name) {
        JsonNode v = raw(name);
        return new JsonFields(v != null && v.isObject() ? v : MissingNode.getInstance(), path(name), errors);
    }

    /** Adds an error for every field not in {@code known}. */
    public void rejectUnknown(Set<String> known) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!known.contains(n)) {
                error(n, "is not a known field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    private static boolean isWhole(JsonNode v) {
        if (v.isIntegralNumber()) {
            return true;
        }
        double d = v.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15;
    }

    private static String range(double min, double max) {
        boolean noMax = max >= Long.MAX_VALUE || Double.isInfinite(max);
        if (min == 0 && noMax) {
            return " >= 0";
        }
        if (noMax) {
            return " >= " + fmt(min);
        }
        return " in " + fmt(min) + ".." + fmt(max);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
