package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Event;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.FilterSpec;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What to subscribe to (PROTOCOL §3 {@code subscribe}): event types (empty = all four), one
 * project or every permitted project ({@code projectId} null), optionally one analysis session,
 * filters, and optionally where to start: after {@code resumeFrom} or after {@code since}. A
 * start position needs a project. Immutable; build one with {@link #forProject(UUID)} or
 * {@link #allProjects()}.
 *
 * @param subscriptionId the id to use on the wire; null lets the client pick one ({@code s1}, {@code s2}, …)
 */
public record SubscribeRequest(
        String subscriptionId,
        UUID projectId,
        Set<EventType> eventTypes,
        UUID sessionId,
        FilterSpec filters,
        Position resumeFrom,
        Instant since) {

    private static final Pattern ID = Pattern.compile("^[\\x21-\\x7E]{1,64}$");

    public SubscribeRequest {
        eventTypes = eventTypes == null || eventTypes.isEmpty() ? Set.of() : Set.copyOf(eventTypes);
        filters = filters == null ? FilterSpec.DEFAULT : filters;
        if (subscriptionId != null && !ID.matcher(subscriptionId).matches()) {
            throw new IllegalArgumentException("subscriptionId must be 1-64 printable ASCII characters without spaces, was '"
                    + subscriptionId + "'");
        }
        if (resumeFrom != null && since != null) {
            throw new IllegalArgumentException("resume either from a position or from a time, not both");
        }
        if ((resumeFrom != null || since != null) && projectId == null) {
            throw new IllegalArgumentException("resuming (resumeFrom or since) needs a projectId");
        }
    }

    public static Builder forProject(UUID projectId) {
        return new Builder(Objects.requireNonNull(projectId, "projectId"));
    }

    /** Every project the token may read; such a subscription resubscribes without resume after a reconnect. */
    public static Builder allProjects() {
        return new Builder(null);
    }

    /** True if {@code e} is in this scope (project, type, session), before the hub's filters. */
    boolean covers(Event e) {
        if (projectId != null && !projectId.equals(e.projectId())) {
            return false;
        }
        if (!eventTypes.isEmpty() && !eventTypes.contains(e.type())) {
            return false;
        }
        if (sessionId == null) {
            return true;
        }
        JsonNode s = e.data().get("session_id");
        return s != null && s.isTextual() && s.textValue().equalsIgnoreCase(sessionId.toString());
    }

    /** Builds a {@link SubscribeRequest}. Not thread-safe. */
    public static final class Builder {
        private final UUID projectId;
        private String subscriptionId;
        private Set<EventType> types = EnumSet.noneOf(EventType.class);
        private UUID sessionId;
        private FilterSpec filters;
        private Position resumeFrom;
        private Instant since;

        private Builder(UUID projectId) {
            this.projectId = projectId;
        }

        public Builder types(EventType... values) {
            types.addAll(Arrays.asList(values));
            return this;
        }

        public Builder types(Collection<EventType> values) {
            types.addAll(values);
            return this;
        }

        /** Only events whose {@code data.session_id} equals this (in practice one analysis run's progress). */
        public Builder session(UUID value) {
            this.sessionId = value;
            return this;
        }

        public Builder filters(FilterSpec value) {
            this.filters = value;
            return this;
        }

        public Builder id(String value) {
            this.subscriptionId = value;
            return this;
        }

        /** Start after this position: events with a higher offset in that epoch are sent first, then live ones. */
        public Builder resumeFrom(Position value) {
            this.resumeFrom = value;
            return this;
        }

        public Builder resumeFrom(String epoch, long offset) {
            return resumeFrom(new Position(epoch, offset));
        }

        /** Start after this time: stored events with a later timestamp are sent first, then live ones. */
        public Builder since(Instant value) {
            this.since = value;
            return this;
        }

        public SubscribeRequest build() {
            return new SubscribeRequest(subscriptionId, projectId, types, sessionId, filters, resumeFrom, since);
        }
    }
}
