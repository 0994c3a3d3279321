package io.projectindex.hub.cli.loadtest;

/**
 * Not thread-safe (one owner: the publisher's or the connector's event loop).
 * Paces a fixed rate of units (requests, connection attempts) from a start time: the first unit is due at
 * the start, unit {@code n} (0-based) at {@code start + n / rate}, and never more than {@code maxUnits} in
 * all. The caller polls {@link #take}; a caller that falls behind gets the backlog at once (capped per
 * call), so the average rate holds and the lag is visible in {@link #behind}. Time is passed in, in
 * nanoseconds, so tests need no clock.
 */
public final class RatePacer {
    private final double unitsPerSecond;
    private final long startNanos;
    private final long maxUnits;
    private long taken;

    public RatePacer(double unitsPerSecond, long startNanos, long maxUnits) {
        if (!(unitsPerSecond >= 0) || Double.isInfinite(unitsPerSecond)) {
            throw new IllegalArgumentException("rate must be a finite number >= 0, was " + unitsPerSecond);
        }
        if (maxUnits < 0) {
            throw new IllegalArgumentException("maxUnits must be >= 0, was " + maxUnits);
        }
        this.unitsPerSecond = unitsPerSecond;
        this.startNanos = startNanos;
        this.maxUnits = maxUnits;
    }

    /** Units due by {@code nowNanos} since the start, whether taken or not (at most {@code maxUnits}). */
    public long dueBy(long nowNanos) {
        if (unitsPerSecond == 0 || nowNanos < startNanos) {
            return 0;
        }
        double elapsedSeconds = (nowNanos - startNanos) / 1e9;
        double due = Math.floor(elapsedSeconds * unitsPerSecond) + 1;
        return (long) Math.min(due, (double) maxUnits);
    }

    /** Takes the units due now and not yet taken, at most {@code atMost}; returns how many. */
    public int take(long nowNanos, int atMost) {
        long n = Math.min(dueBy(nowNanos) - taken, Math.max(0, atMost));
        if (n <= 0) {
            return 0;
        }
        taken += n;
        return (int) n;
    }

    /** Units due but not taken (the caller's lag behind the schedule). */
    public long behind(long nowNanos) {
        return Math.max(0, dueBy(nowNanos) - taken);
    }

    public long taken() {
        return taken;
    }

    /** True when every unit has been taken. */
    public boolean exhausted() {
        return taken >= maxUnits;
    }

    /** Nanoseconds from {@code nowNanos} until the next unit is due (0 if one is due now, -1 if none is left). */
    public long nanosUntilNext(long nowNanos) {
        if (exhausted() || unitsPerSecond == 0) {
            return -1;
        }
        if (dueBy(nowNanos) > taken) {
            return 0;
        }
        long dueAt = startNanos + (long) Math.ceil(taken * 1e9 / unitsPerSecond);
        return Math.max(0, dueAt - nowNanos);
    }
}
