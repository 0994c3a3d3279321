package io.projectindex.hub.server.auth;

import io.projectindex.hub.server.config.AuthConfig;
import io.projectindex.hub.server.time.HubClock;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The handshake limits that do not depend on a single connection: WebSocket handshakes per
 * client IP (a token bucket per address) and concurrent connections per user. Thread-safe:
 * handshakes arrive on every event loop. Both tables are bounded: the per-IP table forgets
 * addresses whose bucket has refilled, and when it is full of active addresses new ones are
 * refused (a flood from that many addresses is not something to admit anyway); the per-user
 * table holds only users with an open connection.
 */
public final class Admission {
    /** Client addresses tracked at once: 100,000. */
    public static final int MAX_TRACKED_ADDRESSES = 100_000;

    /** The outcome of a handshake check. */
    public enum Verdict { ADMITTED, RATE_LIMITED }

    /** An address's bucket; immutable, replaced atomically by the map. */
    private record Bucket(double tokens, long updatedNanos, boolean admitted) {
        double tokensAt(long now, double rate, int burst) {
            return Math.min(burst, tokens + (now - updatedNanos) / 1e9 * rate);
        }
    }

    /** Least time between two sweeps of a full address table: 1 second. */
    private static final long SWEEP_GAP_NANOS = 1_000_000_000L;

    private final HubClock clock;
    private final double ratePerSecond;
    private final int burst;
    private final boolean limitLoopback;
    private final int maxPerUser;
    private final int maxAddresses;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos = new AtomicLong(Long.MIN_VALUE);

    public Admission(HubClock clock, double handshakesPerSecond, int burst, boolean limitLoopback, int maxPerUser,
                     int maxAddresses) {
        this.clock = clock;
        this.ratePerSecond = handshakesPerSecond;
        this.burst = burst;
        this.limitLoopback = limitLoopback;
        this.maxPerUser = maxPerUser;
        this.maxAddresses = maxAddresses;
    }

    /** The limits of the configuration; the per-user limit applies only with authentication on (else everyone is one user). */
    public static Admission of(AuthConfig config, HubClock clock) {
        return new Admission(clock, config.handshakesPerSecond(), config.handshakeBurst(),
                config.limitLoopbackHandshakes(), config.enabled() ? config.maxConnectionsPerUser() : 0,
                MAX_TRACKED_ADDRESSES);
    }

    /** Takes one handshake token for {@code address}. */
    public Verdict handshake(String address, boolean loopback) {
        if (ratePerSecond <= 0 || (loopback && !limitLoopback)) {
            return Verdict.ADMITTED;
        }
        long now = clock.nanoTime();
        if (buckets.size() >= maxAddresses && !buckets.containsKey(address)) {
            forgetRefilled(now);
            if (buckets.size() >= maxAddresses) {
                return Verdict.RATE_LIMITED;
            }
        }
        Bucket b = buckets.compute(address, (a, old) -> {
            double tokens = old == null ? burst : old.tokensAt(now, ratePerSecond, burst);
            return tokens >= 1 ? new Bucket(tokens - 1, now, true) : new Bucket(tokens, now, false);
        });
        return b.admitted() ? Verdict.ADMITTED : Verdict.RATE_LIMITED;
    }

    /** Milliseconds until {@code address} may make its next handshake (for Retry-After). */
    public long retryAfterMillis(String address) {
        Bucket b = buckets.get(address);
        if (b == null || ratePerSecond <= 0) {
            return 0;
        }
        double tokens = b.tokensAt(clock.nanoTime(), ratePerSecond, burst);
        return (long) Math.ceil(Math.max(0, 1 - tokens) / ratePerSecond * 1000);
    }

    /** Drops addresses whose bucket is full again; at most once a second, since it walks the whole table. */
    private void forgetRefilled(long now) {
        long last = lastSweepNanos.get();
        if (last != Long.MIN_VALUE && now - last < SWEEP_GAP_NANOS || !lastSweepNanos.compareAndSet(last, now)) {
            return;
        }
        buckets.values().removeIf(b -> b.tokensAt(now, ratePerSecond, burst) >= burst);
    }

    /** Claims a connection slot for {@code user}; false when the user already holds the maximum. */
    public boolean acquire(String user) {
        if (maxPerUser <= 0) {
            return true;
        }
        boolean[] ok = {false};
        perUser.compute(user, (u, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < maxPerUser) {
                c.incrementAndGet();
                ok[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        return ok[0];
    }

    /** Returns a slot claimed by {@link #acquire}. */
    public void release(String user) {
        if (maxPerUser <= 0) {
            return;
        }
        perUser.computeIfPresent(user, (u, c) -> c.decrementAndGet() <= 0 ? null : c);
    }

    /** Open connections of {@code user} counted here. */
    public int connections(String user) {
        AtomicInteger c = perUser.get(user);
        return c == null ? 0 : c.get();
    }

    public int maxPerUser() {
        return maxPerUser;
    }

    public double handshakesPerSecond() {
        return ratePerSecond;
    }

    /** Addresses currently tracked by the handshake limiter. */
    public int trackedAddresses() {
        return buckets.size();
    }
}
