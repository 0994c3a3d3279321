package io.projectindex.hub.server.filter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Not thread-safe: confined to the owner's event loop. Events filtered out, counted by
 * {@link FilterDecision#reason()} — e.g. one per connection for {@code get_stats}.
 */
public final class FilterCounts {
    private static final FilterDecision[] DECISIONS = FilterDecision.values();
    private final long[] counts = new long[DECISIONS.length];

    /** Counts a decision; {@link FilterDecision#PASS} is not a filtered event and is ignored. */
    public void record(FilterDecision d) {
        if (!d.passed()) {
            counts[d.ordinal()]++;
        }
    }

    public long count(FilterDecision d) {
        return counts[d.ordinal()];
    }

    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    /** Every drop reason with its count (zeros included), in declaration order. */
    public Map<String, Long> byReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (FilterDecision d : DECISIONS) {
            if (!d.passed()) {
                out.put(d.reason(), counts[d.ordinal()]);
            }
        }
        return out;
    }
}
