package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.filter.FilterSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Not thread-safe: one instance per shard, confined to its event loop (the groups' memos are
 * plain fields). The filter groups of one shard: interns compiled filters by
 * {@link FilterSpec} equality with reference counting, so subscriptions and preferences with
 * identical filters share one {@link FilterGroup} and one evaluation per event — the cost of
 * filtering grows with the number of distinct specs, not the number of subscribers.
 */
public final class FilterGroups {
    private final Map<FilterSpec, FilterGroup> groups = new HashMap<>();

    /** The group for {@code spec}, compiled on first use; every acquire needs one {@link #release}. */
    public FilterGroup acquire(FilterSpec spec) {
        FilterGroup g = groups.get(spec);
        if (g == null) {
            g = new FilterGroup(CompiledFilter.compile(spec));
            groups.put(spec, g);
        }
        g.retain();
        return g;
    }

    /** Drops one reference; the group is forgotten when none is left. */
    public void release(FilterGroup group) {
        if (groups.get(group.spec()) != group) {
            throw new IllegalStateException("filter group does not belong to this shard: " + group.spec());
        }
        if (group.releaseOne() == 0) {
            groups.remove(group.spec());
        }
    }

    /** A subscription's filter state: its own group plus its progress state. Close it to release the group. */
    public SubscriptionFilter subscription(FilterSpec spec) {
        return new SubscriptionFilter(this, acquire(spec));
    }

    /** Replaces a connection's preferences: acquires the new group, then releases the old one (if any). */
    public FilterGroup replace(FilterGroup old, FilterSpec spec) {
        FilterGroup next = acquire(spec);
        if (old != null) {
            release(old);
        }
        return next;
    }

    /** Distinct specs in use. */
    public int distinct() {
        return groups.size();
    }

    /** The groups in use, for monitoring. */
    public List<FilterGroup> groups() {
        return new ArrayList<>(groups.values());
    }
}
