package io.projectindex.hub.server.delivery;

/**
 * The inputs of one connection's {@link HealthScore}: writes that succeeded and failed, the write
 * latency as an exponential moving average (first sample as is, then {@code 0.8·old + 0.2·new},
 * successful writes only), rate-limit violations, and the connection's age.
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
public final class ConnectionHealth {
    private static final double NANOS_PER_HOUR = 3.6e12;

    private final long openedNanos;
    private long delivered;
    private long failed;
    private long violations;
    private double latencyEmaMillis;
    private boolean hasLatency;

    /** @param openedNanos when the connection opened, on the hub clock's {@code nanoTime} */
    public ConnectionHealth(long openedNanos) {
        this.openedNanos = openedNanos;
    }

    /** One frame write finished; {@code latencyNanos} from when it was queued to its completion. */
    public void recordWrite(boolean ok, long latencyNanos) {
        if (!ok) {
            failed++;
            return;
        }
        delivered++;
        double ms = Math.max(0, latencyNanos) / 1_000_000.0;
        latencyEmaMillis = hasLatency ? 0.8 * latencyEmaMillis + 0.2 * ms : ms;
        hasLatency = true;
    }

    public void recordViolation() {
        violations++;
    }

    /** The score 0..1 at {@code nowNanos}. */
    public double score(long nowNanos) {
        return HealthScore.of(delivered, failed, latencyEmaMillis, violations, (nowNanos - openedNanos) / NANOS_PER_HOUR);
    }

    public long delivered() {
        return delivered;
    }

    public long failed() {
        return failed;
    }

    public long violations() {
        return violations;
    }

    public double averageLatencyMillis() {
        return latencyEmaMillis;
    }
}
