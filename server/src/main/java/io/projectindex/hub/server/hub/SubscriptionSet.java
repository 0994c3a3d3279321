package io.projectindex.hub.server.hub;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.server.stream.StoredEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The subscriptions and preferences of one connection. Confined to the connection's event loop.
 * Keeps per-project reference counts so the shard's {@link SubscriptionIndex} can tell which
 * projects this connection listens to.
 */
public final class SubscriptionSet {
    private final List<Subscription> subscriptions = new ArrayList<>(2);
    private final Map<UUID, Integer> projectRefs = new HashMap<>(2);
    private int wildcardRefs;
    private FilterSpec preferences = FilterSpec.DEFAULT;

    public int size() {
        return subscriptions.size();
    }

    public List<Subscription> all() {
        return List.copyOf(subscriptions);
    }

    public Subscription find(String id) {
        for (Subscription s : subscriptions) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        return null;
    }

    public FilterSpec preferences() {
        return preferences;
    }

    public void preferences(FilterSpec preferences) {
        this.preferences = preferences;
    }

    /** True if some subscription has no project (it sees every readable project). */
    public boolean hasWildcard() {
        return wildcardRefs > 0;
    }

    public boolean listensTo(UUID projectId) {
        return projectRefs.containsKey(projectId);
    }

    public Set<UUID> projects() {
        return Set.copyOf(projectRefs.keySet());
    }

    /** True if any subscription has the event in scope. */
    public boolean matches(StoredEvent e) {
        for (int i = 0; i < subscriptions.size(); i++) {
            if (subscriptions.get(i).inScope(e)) {
                return true;
            }
        }
        return false;
    }

    void add(Subscription s) {
        subscriptions.add(s);
        if (s.projectId() == null) {
            wildcardRefs++;
        } else {
            projectRefs.merge(s.projectId(), 1, Integer::sum);
        }
    }

    void remove(Subscription s) {
        if (subscriptions.remove(s)) {
            if (s.projectId() == null) {
                wildcardRefs--;
            } else {
                projectRefs.computeIfPresent(s.projectId(), (k, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    /**
     * Unsubscribe by scope: subscriptions of {@code projectId} (any if null) lose {@code types}
     * (all if empty); those left without types are removed. Returns the ids affected.
     */
    List<String> narrow(UUID projectId, Set<EventType> types, List<Subscription> removed) {
        List<String> affected = new ArrayList<>();
        Iterator<Subscription> it = new ArrayList<>(subscriptions).iterator();
        while (it.hasNext()) {
            Subscription s = it.next();
            if (projectId != null && !projectId.equals(s.projectId())) {
                continue;
            }
            boolean changed = types.isEmpty() ? s.removeTypes(EventType.ALL) : s.removeTypes(types);
            if (changed) {
                affected.add(s.id());
                if (!s.hasTypes()) {
                    remove(s);
                    removed.add(s);
                }
            }
        }
        return affected;
    }
}
