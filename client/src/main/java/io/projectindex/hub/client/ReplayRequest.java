package io.projectindex.hub.client;

import io.projectindex.hub.protocol.EventType;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A {@code replay} of one project's stored events (PROTOCOL §3, §4): from the oldest retained
 * event, after a position ({@code after}; the hub answers {@code recovered:false} with
 * {@code epoch_changed} if its epoch is not the stream's), or strictly after a time
 * ({@code since}); at most {@code maxEvents} (1–1000) per request; only {@code eventTypes}
 * (empty = all). Immutable.
 */
public record ReplayRequest(UUID projectId, Position after, Instant since, int maxEvents, Set<EventType> eventTypes) {
    /** The hub's default page size: 100. */
    public static final int DEFAULT_MAX_EVENTS = 100;
    /** The hub's largest page: 1000. */
    public static final int MAX_MAX_EVENTS = 1000;

    public ReplayRequest {
        Objects.requireNonNull(projectId, "projectId");
        if (after != null && since != null) {
            throw new IllegalArgumentException("replay either after a position or after a time, not both");
        }
        if (maxEvents < 1 || maxEvents > MAX_MAX_EVENTS) {
            throw new IllegalArgumentException("maxEvents must be 1.." + MAX_MAX_EVENTS + ", was " + maxEvents);
        }
        eventTypes = eventTypes == null ? Set.of() : Set.copyOf(eventTypes);
    }

    /** From the oldest retained event of {@code projectId}, {@value #DEFAULT_MAX_EVENTS} at a time, all types. */
    public static ReplayRequest fromStart(UUID projectId) {
        return new ReplayRequest(projectId, null, null, DEFAULT_MAX_EVENTS, Set.of());
    }

    public static ReplayRequest after(UUID projectId, Position position) {
        return new ReplayRequest(projectId, Objects.requireNonNull(position, "position"), null, DEFAULT_MAX_EVENTS, Set.of());
    }

    public static ReplayRequest since(UUID projectId, Instant since) {
        return new ReplayRequest(projectId, null, Objects.requireNonNull(since, "since"), DEFAULT_MAX_EVENTS, Set.of());
    }

    public ReplayRequest withMaxEvents(int max) {
        return new ReplayRequest(projectId, after, since, max, eventTypes);
    }

    public ReplayRequest withTypes(EventType... types) {
        Set<EventType> t = EnumSet.noneOf(EventType.class);
        t.addAll(Arrays.asList(types));
        return new ReplayRequest(projectId, after, since, maxEvents, t);
    }

    public ReplayRequest withTypes(Set<EventType> types) {
        return new ReplayRequest(projectId, after, since, maxEvents, types);
    }

    /** The same request continuing after {@code position} (the next page). */
    ReplayRequest continueAfter(Position position) {
        return new ReplayRequest(projectId, position, null, maxEvents, eventTypes);
    }
}
