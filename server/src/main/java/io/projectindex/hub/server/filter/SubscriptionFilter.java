package io.projectindex.hub.server.filter;

/**
 * Not thread-safe: confined to the owning connection's event loop. The filtering state of one
 * subscription: its shared {@link FilterGroup} and its own {@link ProgressGate}.
 *
 * <p>Combination (PROTOCOL §7): an event goes to the subscription only if the connection's
 * preferences and the subscription's filters both pass (global rules are checked once per
 * event before either). When both set a progress step, an event must cross a multiple of each
 * since the last one delivered; there is one reference point per session, kept here, so a
 * {@code set_preferences} that changes N applies at once without losing what was delivered.
 *
 * <p>Use: {@link #test} for every in-scope event (it mutates nothing), then
 * {@link #delivered} once the event has really been handed to the connection;
 * {@link #close} when the subscription ends.
 */
public final class SubscriptionFilter {
    private final FilterGroups owner;
    private final FilterGroup filters;
    private ProgressGate gate;
    private boolean closed;

    SubscriptionFilter(FilterGroups owner, FilterGroup filters) {
        this.owner = owner;
        this.filters = filters;
    }

    /**
     * The decision for one event. {@code preferences} is the connection's preferences group,
     * or null for none; the global rules are the caller's to check first.
     */
    public FilterDecision test(EventFacts facts, FilterGroup preferences) {
        if (preferences != null) {
            FilterDecision d = preferences.test(facts);
            if (!d.passed()) {
                return d;
            }
        }
        FilterDecision d = filters.test(facts);
        if (!d.passed()) {
            return d;
        }
        int own = filters.progressStep();
        int preferred = preferences == null ? 0 : preferences.progressStep();
        if ((own > 0 || preferred > 0) && !gate().admits(facts, own, preferred)) {
            return FilterDecision.PROGRESS_THRESHOLD;
        }
        return FilterDecision.PASS;
    }

    /** Records an event this subscription admitted and the connection delivered. */
    public void delivered(EventFacts facts, FilterGroup preferences) {
        if (progressStep(preferences) > 0) {
            gate().delivered(facts);
        }
    }

    /** The coarser of the two specs' steps (0 = both off); the threshold applies both. */
    public int progressStep(FilterGroup preferences) {
        return Math.max(filters.progressStep(), preferences == null ? 0 : preferences.progressStep());
    }

    public FilterGroup filters() {
        return filters;
    }

    /** Sessions whose progress this subscription remembers. */
    public int trackedSessions() {
        return gate == null ? 0 : gate.trackedSessions();
    }

    /** Releases the shared group; idempotent. */
    public void close() {
        if (!closed) {
            closed = true;
            owner.release(filters);
        }
    }

    private ProgressGate gate() {
        if (gate == null) {
            gate = new ProgressGate();
        }
        return gate;
    }
}
