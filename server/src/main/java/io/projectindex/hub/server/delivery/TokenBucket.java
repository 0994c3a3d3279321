package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.time.HubClock;

/**
 * A token bucket on the injected monotonic clock: holds at most {@code capacity} tokens, starts
 * full, and refills continuously at {@code refillPerSecond}. A new bucket allows exactly
 * {@code capacity} acquisitions in a burst (the original granted one more on first use). A
 * capacity or a rate of 0 disables it: every acquisition succeeds. Callers that must wait ask
 * {@link #nanosUntilAvailable()} and set a timer instead of polling.
 *
 * <p>Not thread-safe: each connection owns its buckets and uses them on its event loop.
 */
public final class TokenBucket {
    /** Tolerance for the rounding of continuous refill, so a token that is due is never missed. */
    private static final double EPSILON = 1e-9;
    private static final double NANOS_PER_SECOND = 1_000_000_000.0;

    private final HubClock clock;
    private final int capacity;
    private final double refillPerSecond;
    private final boolean enabled;
    private double tokens;
    private long refilledAtNanos;

    public TokenBucket(int capacity, double refillPerSecond, HubClock clock) {
        if (capacity < 0 || !(refillPerSecond >= 0) || Double.isInfinite(refillPerSecond)) {
            throw new IllegalArgumentException("token bucket needs capacity >= 0 and a finite rate >= 0, was "
                    + capacity + " and " + refillPerSecond);
        }
        this.clock = clock;
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        this.enabled = capacity > 0 && refillPerSecond > 0;
        this.tokens = capacity;
        this.refilledAtNanos = clock.nanoTime();
    }

    public boolean enabled() {
        return enabled;
    }

    public int capacity() {
        return capacity;
    }

    public double refillPerSecond() {
        return refillPerSecond;
    }

    /** Takes one token if there is one. */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /** Takes {@code n} tokens if all of them are there; otherwise takes none. */
    public boolean tryAcquire(int n) {
        if (!enabled) {
            return true;
        }
        refill();
        if (tokens + EPSILON < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** Whole tokens available now ({@link Integer#MAX_VALUE} when disabled). */
    public int available() {
        if (!enabled) {
            return Integer.MAX_VALUE;
        }
        refill();
        return (int) Math.floor(tokens + EPSILON);
    }

    /** How long until one token is available; 0 if one is available now. */
    public long nanosUntilAvailable() {
        return nanosUntil(1);
    }

    /** How long until {@code n} tokens (at most the capacity) are available; 0 if they are now. */
    public long nanosUntil(int n) {
        if (!enabled) {
            return 0;
        }
        refill();
        double missing = Math.min(n, capacity) - tokens;
        if (missing <= EPSILON) {
            return 0;
        }
        double nanos = missing * NANOS_PER_SECOND / refillPerSecond;
        double whole = Math.rint(nanos);
        // a result a hair above a whole nanosecond is rounding noise, not one more nanosecond
        return (long) (Math.abs(nanos - whole) < 1e-3 ? whole : Math.ceil(nanos));
    }

    private void refill() {
        long now = clock.nanoTime();
        long elapsed = now - refilledAtNanos;
        if (elapsed <= 0) {
            return;
        }
        refilledAtNanos = now;
        // elapsed × rate first, then ÷ 1e9: exact for whole-millisecond steps at whole rates
        tokens = Math.min(capacity, tokens + elapsed * refillPerSecond / NANOS_PER_SECOND);
    }

    @Override
    public String toString() {
        return enabled ? "TokenBucket[" + available() + "/" + capacity + ", " + refillPerSecond + "/s]" : "TokenBucket[off]";
    }
}
