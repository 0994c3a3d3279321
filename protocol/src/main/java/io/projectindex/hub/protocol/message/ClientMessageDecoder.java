package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.JsonFields;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.filter.FilterSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns a client's text frame into a {@link ClientMessage}, or a {@link ProtocolException} that
 * names the problem precisely ({@code INVALID_MESSAGE}, {@code UNKNOWN_ACTION},
 * {@code INVALID_FIELD} with {@code details.field}) and carries the request's action and
 * correlation id whenever they could be read, so the error reply can echo them. Unknown extra
 * fields are ignored. Thread-safe (stateless).
 */
public final class ClientMessageDecoder {
    public static final int MAX_CORRELATION_ID = 128;
    public static final int MAX_SUBSCRIPTION_ID = 64;
    public static final int MAX_EPOCH = 64;
    private static final Pattern PRINTABLE = Pattern.compile("^[\\x21-\\x7E]+$");

    private ClientMessageDecoder() {
    }

    public static ClientMessage decode(String text) {
        JsonNode root = Json.readTree(text);
        if (!root.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "a message must be a JSON object with an action");
        }
        String correlationId = readCorrelationId(root);
        JsonNode actionNode = root.get("action");
        if (actionNode == null || actionNode.isNull()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "the message has no action field")
                    .forRequest(null, correlationId);
        }
        if (!actionNode.isTextual()) {
            throw new ProtocolException(ErrorCode.INVALID_MESSAGE, "action must be a string")
                    .forRequest(null, correlationId);
        }
        String actionName = actionNode.textValue();
        Optional<Action> action = Action.fromWire(actionName);
        if (action.isEmpty()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_ACTION,
                    "unknown action '" + abbreviate(actionName) + "'; known actions: " + String.join(", ", Action.WIRE_NAMES),
                    Map.of("known_actions", Action.WIRE_NAMES))
                    .forRequest(abbreviate(actionName), correlationId);
        }
        List<FieldError> errors = new ArrayList<>();
        JsonFields f = JsonFields.checked(root, "", errors);
        ClientMessage message = switch (action.get()) {
            case SUBSCRIBE -> subscribe(f, correlationId, errors);
            case UNSUBSCRIBE -> unsubscribe(f, correlationId);
            case SET_PREFERENCES -> setPreferences(f, correlationId, errors);
            case REPLAY -> replay(f, correlationId);
            case PING -> new Ping(correlationId);
            case GET_STATS -> new GetStats(correlationId);
            case REFRESH -> new Refresh(correlationId, f.string("token", true, 16 * 1024));
        };
        if (!errors.isEmpty()) {
            throw ProtocolException.invalidFields(errors).forRequest(action.get().wire(), correlationId);
        }
        return message;
    }

    private static String readCorrelationId(JsonNode root) {
        JsonNode c = root.get("correlation_id");
        if (c == null || c.isNull()) {
            return null;
        }
        if (!c.isTextual() || c.textValue().isEmpty() || c.textValue().length() > MAX_CORRELATION_ID) {
            throw ProtocolException.invalidField("correlation_id",
                    "must be a non-empty string of at most " + MAX_CORRELATION_ID + " characters");
        }
        return c.textValue();
    }

    private static Subscribe subscribe(JsonFields f, String correlationId, List<FieldError> errors) {
        String subscriptionId = id(f, "subscription_id");
        Set<EventType> types = eventTypes(f, "event_types");
        UUID projectId = f.uuid("project_id", false);
        UUID sessionId = f.uuid("session_id", false);
        FilterSpec filters = FilterSpec.read(f.raw("filters"), "filters", errors);
        Long sinceOffset = f.integer("since_offset", 0, Long.MAX_VALUE, false);
        String epoch = epoch(f);
        Instant since = f.instant("since", false);
        if (sinceOffset != null && since != null) {
            f.error("since", "cannot be combined with since_offset; resume by offset or by time");
        }
        if ((sinceOffset != null || since != null) && !f.has("project_id")) {
            f.error("project_id", "is required to resume with since_offset or since");
        }
        if (epoch != null && sinceOffset == null) {
            f.error("epoch", "is only meaningful together with since_offset");
        }
        return new Subscribe(correlationId, subscriptionId, types, projectId, sessionId, filters, sinceOffset, epoch, since);
    }

    private static Unsubscribe unsubscribe(JsonFields f, String correlationId) {
        String subscriptionId = id(f, "subscription_id");
        UUID projectId = f.uuid("project_id", false);
        Set<EventType> types = eventTypes(f, "event_types");
        if (subscriptionId != null && (projectId != null || !types.isEmpty())) {
            f.error("subscription_id", "cannot be combined with project_id or event_types");
        }
        return new Unsubscribe(correlationId, subscriptionId, projectId, types);
    }

    private static SetPreferences setPreferences(JsonFields f, String correlationId, List<FieldError> errors) {
        if (!f.has("preferences")) {
            f.error("preferences", "is required");
            return null;
        }
        return new SetPreferences(correlationId, FilterSpec.read(f.raw("preferences"), "preferences", errors));
    }

    private static Replay replay(JsonFields f, String correlationId) {
        UUID projectId = f.uuid("project_id", true);
        Instant since = f.instant("since", false);
        Long sinceOffset = f.integer("since_offset", 0, Long.MAX_VALUE, false);
        String epoch = epoch(f);
        if (sinceOffset != null && since != null) {
            f.error("since", "cannot be combined with since_offset; replay by offset or by time");
        }
        if (epoch != null && sinceOffset == null) {
            f.error("epoch", "is only meaningful together with since_offset");
        }
        Long max = f.integer("max_events", 1, Replay.MAX_MAX_EVENTS, false);
        Set<EventType> types = eventTypes(f, "event_types");
        Boolean exclude = f.bool("exclude_delivered", false);
        return new Replay(correlationId, projectId, since, sinceOffset, epoch,
                max == null ? Replay.DEFAULT_MAX_EVENTS : max.intValue(), types, Boolean.TRUE.equals(exclude));
    }

    private static String id(JsonFields f, String name) {
        String id = f.string(name, false, MAX_SUBSCRIPTION_ID);
        if (id != null && !PRINTABLE.matcher(id).matches()) {
            f.error(name, "must be printable ASCII without spaces");
            return null;
        }
        return id;
    }

    private static String epoch(JsonFields f) {
        String epoch = f.string("epoch", false, MAX_EPOCH);
        if (epoch != null && !PRINTABLE.matcher(epoch).matches()) {
            f.error("epoch", "must be printable ASCII without spaces");
            return null;
        }
        return epoch;
    }

    /** A list of event type names; an empty or absent list reads as an empty set. */
    private static Set<EventType> eventTypes(JsonFields f, String name) {
        JsonNode node = f.raw(name);
        if (node == null) {
            return Set.of();
        }
        if (!node.isArray()) {
            f.error(name, "must be a list of event types (" + String.join(", ", EventType.WIRE_NAMES) + ")");
            return Set.of();
        }
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            Optional<EventType> t = item.isTextual() ? EventType.fromWire(item.textValue()) : Optional.empty();
            if (t.isEmpty()) {
                f.error(name + "[" + i + "]", "is not an event type: " + abbreviate(item.toString())
                        + " (known: " + String.join(", ", EventType.WIRE_NAMES) + ")");
            } else {
                types.add(t.get());
            }
        }
        return types;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
