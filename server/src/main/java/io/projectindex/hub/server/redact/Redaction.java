package io.projectindex.hub.server.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.delivery.EventView;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Immutable and thread-safe. Data protection: fields of {@code data} listed in the config file's
 * {@code redact} section are removed from events before they leave the hub for clients that are
 * not admins — WebSocket live and replayed events, batches, Server-Sent Events and the history
 * query.
 * <pre>
 * redact:
 *   - analysis_progress.last_error
 *   - "*.**.api_key"
 *   - dependency_changed.file_metadata.file_size
 * </pre>
 * Path syntax: {@link RedactPath}. The fields an event cannot be read without (PROTOCOL §2:
 * {@code project_id} and each type's required fields) are never removed; a path that names one is
 * refused at start, like any malformed path, with a {@link ConfigException} naming the entry.
 *
 * <p>Encode once: the redacted form of an event is computed at most once and kept on the event
 * ({@link StoredEvent#redacted}); its envelope, replay envelope and gzip are cached there like the
 * full ones, so each is encoded once per event, not per subscriber. An event with nothing to
 * remove is its own redacted form. Filters run before delivery and see the full data.
 *
 * <p>Who sees what: an admin principal (scope {@code admin}) gets full events. With authentication
 * off nobody has proven to be an admin, so a configured redaction applies to every client.
 */
public final class Redaction {
    public static final String SECTION = "redact";
    public static final Redaction NONE = new Redaction(List.of(), true);

    /** Top-level fields each type cannot do without (PROTOCOL §2). */
    static final Map<EventType, Set<String>> REQUIRED = Map.of(
            EventType.PROJECT_INDEX_UPDATED, Set.of("project_id", "status"),
            EventType.ANALYSIS_PROGRESS, Set.of("project_id", "session_id", "progress_percentage"),
            EventType.DEPENDENCY_CHANGED, Set.of("project_id", "file_path", "change_type"),
            EventType.CONTEXT_OPTIMIZED, Set.of("project_id", "context_id"));

    private final List<RedactPath> paths;
    private final Map<EventType, List<RedactPath>> byType = new EnumMap<>(EventType.class);
    private final boolean authEnabled;
    private final EventView redacted = e -> e.redacted(this::apply);

    private Redaction(List<RedactPath> paths, boolean authEnabled) {
        this.paths = List.copyOf(paths);
        this.authEnabled = authEnabled;
        for (EventType t : EventType.values()) {
            List<RedactPath> forType = paths.stream().filter(p -> p.appliesTo(t)).toList();
            if (!forType.isEmpty()) {
                byType.put(t, forType);
            }
        }
    }

    /** The redaction of a configuration: its {@code redact} section, none when absent. */
    public static Redaction from(HubConfig config) {
        return config.section(SECTION).map(s -> parse(s, config.auth().enabled())).orElse(NONE);
    }

    /** Parses the section; throws {@link ConfigException} listing every bad entry by index. */
    public static Redaction parse(JsonNode section, boolean authEnabled) {
        if (section == null || section.isNull() || section.isMissingNode()) {
            return NONE;
        }
        if (!section.isArray()) {
            throw new ConfigException(SECTION + " must be a list of paths like analysis_progress.last_error, was "
                    + section.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        List<String> problems = new ArrayList<>();
        List<RedactPath> paths = new ArrayList<>();
        for (int i = 0; i < section.size(); i++) {
            String where = SECTION + "[" + i + "]";
            JsonNode entry = section.get(i);
            if (!entry.isTextual()) {
                problems.add(where + " must be a path string like analysis_progress.last_error, was " + entry);
                continue;
            }
            try {
                RedactPath p = RedactPath.parse(entry.textValue());
                String required = requiredField(p);
                if (required != null) {
                    problems.add(where + " '" + p.text() + "' names " + required + ", which clients need to read the"
                            + " event; it cannot be redacted");
                    continue;
                }
                paths.add(p);
            } catch (IllegalArgumentException e) {
                problems.add(where + " '" + entry.textValue() + "' " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return paths.isEmpty() ? NONE : new Redaction(paths, authEnabled);
    }

    private static String requiredField(RedactPath p) {
        String field = p.topLevelField();
        if (field == null) {
            return null;
        }
        for (EventType t : EventType.values()) {
            if (p.appliesTo(t) && REQUIRED.get(t).contains(field)) {
                return t.wire() + "." + field;
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return paths.isEmpty();
    }

    /** The configured paths, in order. */
    public List<String> paths() {
        return paths.stream().map(RedactPath::text).toList();
    }

    /** How events look to {@code principal}: in full for admins (with authentication on), redacted otherwise. */
    public EventView view(Principal principal) {
        if (paths.isEmpty() || (authEnabled && principal.isAdmin())) {
            return EventView.FULL;
        }
        return redacted;
    }

    /** True when {@code principal} receives redacted events. */
    public boolean redacts(Principal principal) {
        return view(principal) != EventView.FULL;
    }

    /**
     * {@code event} without the configured fields: a new event at the same position whose data is
     * a redacted copy, or {@code event} itself when none of its fields is listed. Prefer
     * {@link #view}, which caches the result on the event.
     */
    public StoredEvent apply(StoredEvent event) {
        List<RedactPath> forType = byType.get(event.type());
        if (forType == null || !event.data().isObject()) {
            return event;
        }
        ObjectNode copy = event.data().deepCopy();
        Set<String> keep = REQUIRED.get(event.type());
        boolean removed = false;
        for (RedactPath p : forType) {
            removed |= p.removeFrom(copy, keep);
        }
        if (!removed) {
            return event;
        }
        NewEvent s = event.source();
        NewEvent r = new NewEvent(s.type(), s.id(), s.projectId(), copy, EventData.view(s.type(), copy),
                Json.writeBytes(copy), s.correlationId(), s.persistence(), s.priority(), s.contentHash());
        return new StoredEvent(r, event.timestamp(), event.epoch(), event.offset());
    }
}
