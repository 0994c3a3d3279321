package io.projectindex.hub.server.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Immutable and thread-safe. One entry of the {@code redact} list: a field inside the {@code data}
 * of events of one type (or of every type), written {@code <event type or *>.<field>[.<field>…]}:
 * <ul>
 * <li>a field is a name of letters, digits, {@code _} and {@code -};</li>
 * <li>{@code *} stands for every field of the object at that level;</li>
 * <li>{@code **} for any number of levels (zero or more), so {@code *.**.api_key} removes
 *   {@code api_key} wherever it is;</li>
 * <li>a list met on the way is entered: the rest of the path applies to each element.</li>
 * </ul>
 * The last step must name a field ({@code a.*} or {@code a.**} at the end is refused).
 */
public final class RedactPath {
    static final String ANY = "*";
    static final String ANY_DEPTH = "**";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final String text;
    /** Null: events of every type. */
    private final EventType type;
    private final String[] steps;

    private RedactPath(String text, EventType type, String[] steps) {
        this.text = text;
        this.type = type;
        this.steps = steps;
    }

    /** Parses one path; throws {@link IllegalArgumentException} saying what is wrong with it. */
    public static RedactPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be a path like analysis_progress.last_error, was empty");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length < 2) {
            throw new IllegalArgumentException("must start with an event type or * and name a field inside data,"
                    + " like analysis_progress.last_error or *.last_error");
        }
        EventType type = null;
        if (!parts[0].equals(ANY)) {
            type = EventType.fromWire(parts[0]).orElseThrow(() -> new IllegalArgumentException("starts with '"
                    + parts[0] + "', which is not * or an event type (" + String.join(", ", EventType.WIRE_NAMES) + ")"));
        }
        List<String> steps = new ArrayList<>(parts.length - 1);
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                throw new IllegalArgumentException("has an empty step (two dots in a row, or a dot at an end)");
            }
            if (!p.equals(ANY) && !p.equals(ANY_DEPTH) && !NAME.matcher(p).matches()) {
                throw new IllegalArgumentException("step '" + p + "' must be *, ** or a field name of letters, digits,"
                        + " _ and -");
            }
            if (p.equals(ANY_DEPTH) && i > 1 && parts[i - 1].equals(ANY_DEPTH)) {
                throw new IllegalArgumentException("has ** twice in a row");
            }
            steps.add(p);
        }
        String last = steps.get(steps.size() - 1);
        if (last.equals(ANY) || last.equals(ANY_DEPTH)) {
            throw new IllegalArgumentException("must end with a field name (to remove a whole object, name it:"
                    + " dependency_changed.file_metadata rather than dependency_changed.file_metadata.*)");
        }
        return new RedactPath(text, type, steps.toArray(new String[0]));
    }

    /** The path as configured. */
    public String text() {
        return text;
    }

    /** The event type it applies to; null for every type. */
    public EventType type() {
        return type;
    }

    /** True when the path names exactly one top-level field (no wildcard), e.g. {@code *.project_id}. */
    String topLevelField() {
        return steps.length == 1 ? steps[0] : null;
    }

    public boolean appliesTo(EventType t) {
        return type == null || type == t;
    }

    /**
     * Removes the fields this path names from {@code data} (a copy the caller owns), never one of
     * {@code keep} at the top level. Returns true if anything was removed.
     */
    boolean removeFrom(ObjectNode data, Set<String> keep) {
        return walk(data, 0, true, keep);
    }

    private boolean walk(JsonNode node, int step, boolean top, Set<String> keep) {
        if (node.isArray()) {
            boolean removed = false;
            for (JsonNode element : node) {
                removed |= walk(element, step, false, keep);
            }
            return removed;
        }
        if (!node.isObject()) {
            return false;
        }
        ObjectNode object = (ObjectNode) node;
        String s = steps[step];
        boolean last = step == steps.length - 1;
        boolean removed = false;
        if (s.equals(ANY_DEPTH)) {
            removed = walk(object, step + 1, top, keep);
            for (JsonNode child : snapshot(object)) {
                removed |= walk(child, step, false, keep);
            }
        } else if (s.equals(ANY)) {
            for (String name : names(object)) {
                JsonNode child = object.get(name);
                removed |= last ? remove(object, name, top, keep) : child != null && walk(child, step + 1, false, keep);
            }
        } else if (last) {
            removed = remove(object, s, top, keep);
        } else {
            JsonNode child = object.get(s);
            removed = child != null && walk(child, step + 1, false, keep);
        }
        return removed;
    }

    private static boolean remove(ObjectNode object, String name, boolean top, Set<String> keep) {
        if (top && keep.contains(name)) {
            return false;
        }
        return object.remove(name) != null;
    }

    private static List<String> names(ObjectNode object) {
        List<String> names = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<JsonNode> snapshot(ObjectNode object) {
        List<JsonNode> children = new ArrayList<>(object.size());
        object.elements().forEachRemaining(children::add);
        return children;
    }

    @Override
    public String toString() {
        return text;
    }
}
