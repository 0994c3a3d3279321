package io.projectindex.hub.server.hub;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.server.filter.EventFacts;
import io.projectindex.hub.server.filter.FilterDecision;
import io.projectindex.hub.server.filter.FilterGroup;
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
    private FilterGroup preferencesGroup;

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

    /** The compiled preferences shared with equal preferences of other connections (null until set). */
    public FilterGroup preferencesGroup() {
        return preferencesGroup;
    }

    void preferences(FilterSpec spec, FilterGroup group) {
        this.preferences = spec;
        this.preferencesGroup = group;
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

    /** True if any subscription has the event in scope (types, project, session; filters not applied). */
    public boolean matches(StoredEvent e) {
        for (int i = 0; i < subscriptions.size(); i++) {
            if (subscriptions.get(i).inScope(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Filters a live event for this connection: {@link FilterDecision#PASS} if the global rules
     * and, for at least one in-scope subscription, the connection's preferences and that
     * subscription's filters (with its progress threshold) admit it — each admitting
     * subscription then records the delivery; otherwise the first in-scope subscription's reason.
     * Null when no subscription has the event in scope.
     */
    public FilterDecision evaluate(StoredEvent e, EventFacts facts, FilterDecision global) {
        FilterDecision first = null;
        boolean passed = false;
        for (int i = 0; i < subscriptions.size(); i++) {
            Subscription s = subscriptions.get(i);
            if (!s.inScope(e)) {
                continue;
            }
            FilterDecision d = global.passed() ? s.filter().test(facts, preferencesGroup) : global;
            if (d.passed()) {
                passed = true;
            } else if (first == null) {
                first = d;
            }
        }
        if (passed) {
            for (int i = 0; i < subscriptions.size(); i++) {
                Subscription s = subscriptions.get(i);
                if (s.inScope(e) && s.filter().test(facts, preferencesGroup).passed()) {
                    s.filter().delivered(facts, preferencesGroup);
                }
            }
            return FilterDecision.PASS;
        }
        return first;
    }

    /** Filters a missed event for one (resuming) subscription; records the delivery when it passes. */
    public FilterDecision evaluate(Subscription s, StoredEvent e, EventFacts facts, FilterDecision global) {
        if (!s.inScope(e)) {
            return null;
        }
        FilterDecision d = global.passed() ? s.filter().test(facts, preferencesGroup) : global;
        if (d.passed()) {
            s.filter().delivered(facts, preferencesGroup);
        }
        return d;
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
