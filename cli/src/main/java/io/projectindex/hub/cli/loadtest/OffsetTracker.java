package io.projectindex.hub.cli.loadtest;

/**
 * Confined to the event loop of the connection it tracks.
 * Checks that one connection receives one project's offsets contiguously, each exactly once, from {@code
 * firstOffset} on. The load test publishes to fresh projects, so their streams start at 1 and every
 * accepted event must arrive; anything else is counted, never hidden: a jump forward is a gap (its size
 * adds to {@link #missing}), an offset at or below the highest seen is a duplicate or out-of-order arrival.
 */
public final class OffsetTracker {
    private long next;
    private long received;
    private long gaps;
    private long skipped;
    private long backwards;

    public OffsetTracker(long firstOffset) {
        if (firstOffset < 1) {
            throw new IllegalArgumentException("offsets start at 1, firstOffset was " + firstOffset);
        }
        this.next = firstOffset;
    }

    /** What one received offset meant. */
    public enum Outcome { IN_ORDER, AFTER_GAP, DUPLICATE_OR_OUT_OF_ORDER }

    public Outcome accept(long offset) {
        if (offset == next) {
            next++;
            received++;
            return Outcome.IN_ORDER;
        }
        if (offset < next) {
            backwards++;
            return Outcome.DUPLICATE_OR_OUT_OF_ORDER;
        }
        gaps++;
        skipped += offset - next;
        next = offset + 1;
        received++;
        return Outcome.AFTER_GAP;
    }

    /** Distinct offsets received in increasing order. */
    public long received() {
        return received;
    }

    /** Jumps forward seen so far. */
    public long gaps() {
        return gaps;
    }

    /** Arrivals at or below the highest offset already seen. */
    public long duplicatesOrOutOfOrder() {
        return backwards;
    }

    /** Highest offset received, or {@code firstOffset - 1} if none. */
    public long highest() {
        return next - 1;
    }

    /**
     * Offsets up to {@code lastPublished} that never arrived: those skipped by gaps plus the tail
     * after the highest one received. An offset that arrives late, after a gap was counted,
     * counts both here and in {@link #duplicatesOrOutOfOrder}: either way the stream was broken.
     */
    public long missing(long lastPublished) {
        return skipped + Math.max(0, lastPublished - highest());
    }
}
