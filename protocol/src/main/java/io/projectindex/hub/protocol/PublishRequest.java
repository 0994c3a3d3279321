package io.projectindex.hub.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.data.EventData;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads a publish body: one event {@code {type, data, id?, correlation_id?, persistence_level?,
 * priority?}}, {@code {"events":[…]}} or a bare array. Validation is all-or-nothing: every
 * problem of every event is collected and reported as {@code INVALID_EVENT} with
 * {@code details.errors = [{index, field, message}]}. A {@code timestamp} in the body is accepted
 * and ignored (the hub sets it). Thread-safe (stateless).
 */
public final class PublishRequest {
    /** correlation_id: 1–36 printable ASCII characters (the history column is VARCHAR(36)). */
    private static final Pattern CORRELATION_ID = Pattern.compile("^[\\x20-\\x7E]{1,36}$");

    private PublishRequest() {
    }

    public static List<EventDraft> parse(JsonNode body, int maxEvents) {
        List<JsonNode> items = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(items::add);
        } else if (body.isObject() && body.has("events") && !body.has("type")) {
            JsonNode events = body.get("events");
            if (!events.isArray()) {
                throw invalid(List.of(indexed(-1, "events", "must be a list of events")));
            }
            events.forEach(items::add);
        } else if (body.isObject()) {
            items.add(body);
        } else {
            throw invalid(List.of(indexed(-1, "", "the body must be an event object, {\"events\":[...]} or a list of events")));
        }
        if (items.isEmpty()) {
            throw invalid(List.of(indexed(-1, "events", "must contain at least one event")));
        }
        if (items.size() > maxEvents) {
            throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
                    "at most " + maxEvents + " events per publish, got " + items.size(),
                    Map.of("max_events", maxEvents, "events", items.size()));
        }
        List<Map<String, Object>> problems = new ArrayList<>();
        List<EventDraft> drafts = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            List<FieldError> errors = new ArrayList<>();
            EventDraft draft = parseOne(items.get(i), errors);
            for (FieldError e : errors) {
                problems.add(indexed(i, e.field(), e.message()));
            }
            drafts.add(draft);
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return drafts;
    }

    /** Validates one event object; problems go to {@code errors} (paths relative to the event). */
    public static EventDraft parseOne(JsonNode node, List<FieldError> errors) {
        if (!node.isObject()) {
            errors.add(new FieldError("", "an event must be a JSON object"));
            return null;
        }
        JsonFields f = JsonFields.checked(node, "", errors);
        EventType type = f.enumValue("type", EventType::fromWire, EventType.WIRE_NAMES, true);
        UUID id = f.uuid("id", false);
        String correlationId = null;
        if (f.has("correlation_id")) {
            JsonNode c = f.raw("correlation_id");
            if (!c.isTextual() || !CORRELATION_ID.matcher(c.textValue()).matches()) {
                f.error("correlation_id", "must be 1-36 printable ASCII characters");
            } else {
                correlationId = c.textValue();
            }
        }
        PersistenceLevel level = f.enumValue("persistence_level", PersistenceLevel::fromWire,
                java.util.Arrays.stream(PersistenceLevel.values()).map(PersistenceLevel::wire).toList(), false);
        Priority priority = f.enumValue("priority", Priority::fromWire,
                java.util.Arrays.stream(Priority.values()).map(Priority::wire).toList(), false);
        JsonNode data = node.get("data");
        EventData typed = null;
        if (type != null) {
            typed = EventData.read(type, data, "data", errors);
        } else if (data == null || !data.isObject()) {
            errors.add(new FieldError("data", data == null || data.isNull() ? "is required" : "must be an object"));
        }
        if (type == null || typed == null) {
            return null;
        }
        return new EventDraft(type, id, (ObjectNode) data, typed, correlationId, level, priority);
    }

    private static Map<String, Object> indexed(int index, String field, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index < 0 ? null : index);
        m.put("field", field);
        m.put("message", message);
        return m;
    }

    private static ProtocolException invalid(List<Map<String, Object>> problems) {
        Map<String, Object> first = problems.get(0);
        String where = first.get("index") == null ? "" : "events[" + first.get("index") + "]"
                + (first.get("field").toString().isEmpty() ? "" : ".");
        String summary = problems.size() == 1
                ? "invalid event: " + where + first.get("field") + " " + first.get("message")
                : problems.size() + " problems; first: " + where + first.get("field") + " " + first.get("message");
        return new ProtocolException(ErrorCode.INVALID_EVENT, summary, Map.of("errors", problems));
    }
}
