package io.projectindex.hub.server.broker;

import io.projectindex.hub.server.time.HubClock;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rate limit per key by the generic cell rate algorithm, on the injected monotonic clock: each
 * key may take {@code ratePerSecond} units per second with bursts of up to {@code burst}; a request
 * for n units is admitted when min(n, burst) are available, and then owes all n (so a large batch
 * is admitted on a full bucket and paid for afterwards). The same arithmetic runs in Redis
 * ({@code ratelimit.lua}) when the state is shared. Remembers at most {@link #MAX_KEYS} keys (idle
 * ones, whose bucket is full again, are forgotten first). Thread-safe (one short lock).
 */
public final class Gcra {
    /** Keys remembered at most (100,000). */
    public static final int MAX_KEYS = 100_000;

    private final HubClock clock;
    private final double intervalNanos;
    private final int burst;
    private final Map<String, Long> tat = new LinkedHashMap<>(16, 0.75f, true);

    public Gcra(HubClock clock, double ratePerSecond, int burst) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1, was " + ratePerSecond + " and " + burst);
        }
        this.clock = clock;
        this.intervalNanos = 1_000_000_000.0 / ratePerSecond;
        this.burst = burst;
    }

    /** 0 when admitted (the units are taken), otherwise the nanoseconds until the request would be. */
    public synchronized long acquire(String key, int units) {
        long now = clock.nanoTime();
        Long t = tat.get(key);
        long theoretical = t == null || t - now < 0 ? now : t;
        int need = Math.min(units, burst);
        long allowedFrom = theoretical - (long) ((burst - need) * intervalNanos);
        if (allowedFrom - now > 0) {
            return allowedFrom - now;
        }
        tat.put(key, theoretical + (long) (units * intervalNanos));
        if (tat.size() > MAX_KEYS) {
            for (Iterator<Long> it = tat.values().iterator(); it.hasNext() && tat.size() > MAX_KEYS; ) {
                if (it.next() - now <= 0) {
                    it.remove();
                } else {
                    break;
                }
            }
        }
        return 0;
    }
}
