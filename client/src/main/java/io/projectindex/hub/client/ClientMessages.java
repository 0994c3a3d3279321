package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.protocol.filter.FilterSpec;

import java.time.Instant;
import java.util.Set;

/**
 * The fields of the client messages this SDK sends (PROTOCOL §3); {@link PendingRequests} adds
 * {@code action} and {@code correlation_id}. Only fields with a value are written. Thread-safe
 * (stateless).
 */
final class ClientMessages {
    static final String SUBSCRIBE = "subscribe";
    static final String UNSUBSCRIBE = "unsubscribe";
    static final String SET_PREFERENCES = "set_preferences";
    static final String REPLAY = "replay";
    static final String PING = "ping";
    static final String GET_STATS = "get_stats";

    private ClientMessages() {
    }

    /** {@code subscribe} for {@code s}, resuming after {@code from} or after {@code since} when given. */
    static ObjectNode subscribe(Subscription s, Position from, Instant since) {
        SubscribeRequest r = s.request();
        ObjectNode o = Json.object();
        o.put("subscription_id", s.id());
        types(o, r.eventTypes());
        if (r.projectId() != null) {
            o.put("project_id", r.projectId().toString());
        }
        if (r.sessionId() != null) {
            o.put("session_id", r.sessionId().toString());
        }
        if (!r.filters().isDefault()) {
            o.set("filters", Filters.toJson(r.filters()));
        }
        if (from != null) {
            o.put("since_offset", from.offset());
            o.put("epoch", from.epoch());
        } else if (since != null) {
            o.put("since", Timestamps.format(since));
        }
        return o;
    }

    static ObjectNode unsubscribe(String subscriptionId) {
        ObjectNode o = Json.object();
        o.put("subscription_id", subscriptionId);
        return o;
    }

    static ObjectNode setPreferences(FilterSpec preferences) {
        ObjectNode o = Json.object();
        o.set("preferences", Filters.toJson(preferences));
        return o;
    }

    static ObjectNode replay(ReplayRequest r) {
        ObjectNode o = Json.object();
        o.put("project_id", r.projectId().toString());
        if (r.after() != null) {
            o.put("since_offset", r.after().offset());
            o.put("epoch", r.after().epoch());
        } else if (r.since() != null) {
            o.put("since", Timestamps.format(r.since()));
        }
        o.put("max_events", r.maxEvents());
        types(o, r.eventTypes());
        return o;
    }

    static ObjectNode empty() {
        return Json.object();
    }

    private static void types(ObjectNode o, Set<EventType> types) {
        if (!types.isEmpty()) {
            ArrayNode a = o.putArray("event_types");
            // a stable order keeps the wire form reproducible
            for (EventType t : EventType.values()) {
                if (types.contains(t)) {
                    a.add(t.wire());
                }
            }
        }
    }
}
