package io.projectindex.hub.server.hub;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.server.filter.SubscriptionFilter;
import io.projectindex.hub.server.stream.StoredEvent;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One subscription of a connection: event types, an optional project (null = every project the
 * connection may read), an optional analysis session, and filters. Confined to the owning
 * connection's event loop (its type set can be narrowed by {@code unsubscribe}).
 */
public final class Subscription {
    private final String id;
    private final EnumSet<EventType> types;
    private final UUID projectId;
    private final UUID sessionId;
    private final String sessionText;
    private final FilterSpec filters;
    private SubscriptionFilter filter;

    public Subscription(String id, Set<EventType> types, UUID projectId, UUID sessionId, FilterSpec filters) {
        this.id = id;
        this.types = EnumSet.copyOf(types);
        this.projectId = projectId;
        this.sessionId = sessionId;
        this.sessionText = sessionId == null ? null : sessionId.toString();
        this.filters = filters;
    }

    public String id() {
        return id;
    }

    public Set<EventType> types() {
        return EnumSet.copyOf(types);
    }

    /** The types in wire order, for acks. */
    public List<EventType> typeList() {
        return List.copyOf(types);
    }

    public UUID projectId() {
        return projectId;
    }

    public UUID sessionId() {
        return sessionId;
    }

    public FilterSpec filters() {
        return filters;
    }

    /** The compiled, shared filter and this subscription's progress gate; set by the shard on subscribe. */
    public SubscriptionFilter filter() {
        return filter;
    }

    void attach(SubscriptionFilter f) {
        this.filter = f;
    }

    void detachFilter() {
        if (filter != null) {
            filter.close();
        }
    }

    /** True when the event is of a subscribed type, project and session (filters not applied). */
    public boolean inScope(StoredEvent e) {
        return types.contains(e.type())
                && (projectId == null || projectId.equals(e.projectId()))
                && (sessionText == null || sessionText.equalsIgnoreCase(e.sessionId()));
    }

    /** Removes types; returns true if any was removed. */
    boolean removeTypes(Set<EventType> remove) {
        return types.removeAll(remove);
    }

    boolean hasTypes() {
        return !types.isEmpty();
    }
}
