package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.filter.FilterSpec;

/**
 * Not thread-safe: confined to the event loop of the {@link FilterGroups} that created it.
 * One distinct {@link FilterSpec} on a shard, shared by every subscription and connection
 * preference that uses an equal spec, and evaluated at most once per event: the last decision
 * is memoised against the identity of the {@link EventFacts} it was computed for.
 */
public final class FilterGroup {
    private final CompiledFilter filter;
    // loop-confined mutable state
    private int references;
    private EventFacts memoFacts;
    private FilterDecision memo;
    private long evaluations;

    FilterGroup(CompiledFilter filter) {
        this.filter = filter;
    }

    /** The decision for this event; computed on the first call for a given facts object, then reused. */
    public FilterDecision test(EventFacts facts) {
        if (facts != memoFacts) {
            memo = filter.test(facts);
            memoFacts = facts;
            evaluations++;
        }
        return memo;
    }

    public FilterSpec spec() {
        return filter.spec();
    }

    public CompiledFilter filter() {
        return filter;
    }

    /** The spec's progress step N (0 = off). */
    public int progressStep() {
        return filter.progressStep();
    }

    /** Holders currently sharing this group. */
    public int references() {
        return references;
    }

    /** Times the compiled filter actually ran (memo misses); for tests and monitoring. */
    public long evaluations() {
        return evaluations;
    }

    int retain() {
        return ++references;
    }

    int releaseOne() {
        if (references <= 0) {
            throw new IllegalStateException("filter group released more often than acquired: " + filter.spec());
        }
        return --references;
    }
}
