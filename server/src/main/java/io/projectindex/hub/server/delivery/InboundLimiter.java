package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.config.WebSocketConfig;
import io.projectindex.hub.server.time.HubClock;

import java.time.Duration;

/**
 * The limit on one connection's client messages: a token bucket of {@code burst} refilled at
 * {@code ratePerSecond} (0 = unlimited). A message over the limit is rejected: the connection
 * replies {@code RATE_LIMITED} with {@code details.retry_after_ms} and does not process it.
 * Sustained abuse — {@code abuseRejections} rejections within {@code abuseWindow} — closes the
 * connection with 4029; once that verdict is given it stays.
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
public final class InboundLimiter {

    /** What to do with one client message. */
    public enum Verdict { ACCEPT, REJECT, CLOSE }

    /** The verdict, and for {@link Verdict#REJECT} how long until a message would be accepted. */
    public record Decision(Verdict verdict, long retryAfterMillis) {
        public static final Decision ACCEPTED = new Decision(Verdict.ACCEPT, 0);
        public static final Decision CLOSED = new Decision(Verdict.CLOSE, 0);
    }

    private final TokenBucket bucket;
    private final HubClock clock;
    private final int abuseRejections;
    private final long abuseWindowNanos;
    private long[] rejectedAt;
    private int next;
    private long rejected;
    private boolean abusive;

    public InboundLimiter(double ratePerSecond, int burst, int abuseRejections, Duration abuseWindow, HubClock clock) {
        if (abuseRejections < 1) {
            throw new IllegalArgumentException("abuseRejections must be >= 1, was " + abuseRejections);
        }
        this.bucket = new TokenBucket(burst, ratePerSecond, clock);
        this.clock = clock;
        this.abuseRejections = abuseRejections;
        this.abuseWindowNanos = abuseWindow.toNanos();
    }

    public static InboundLimiter of(WebSocketConfig c, HubClock clock) {
        return new InboundLimiter(c.inboundMessagesPerSecond(), c.inboundBurst(), c.inboundAbuseRejections(),
                c.inboundAbuseWindow(), clock);
    }

    /** Call once per client message, before decoding it. */
    public Decision onMessage() {
        if (abusive) {
            return Decision.CLOSED;
        }
        if (bucket.tryAcquire()) {
            return Decision.ACCEPTED;
        }
        rejected++;
        long now = clock.nanoTime();
        if (rejectedAt == null) {
            rejectedAt = new long[abuseRejections];
        }
        // a ring of the last N rejection times; after the write, the slot at `next` holds the oldest
        rejectedAt[next] = now;
        next = (next + 1) % abuseRejections;
        if (rejected >= abuseRejections && now - rejectedAt[next] <= abuseWindowNanos) {
            abusive = true;
            return Decision.CLOSED;
        }
        long retryMillis = Math.max(1, (bucket.nanosUntilAvailable() + 999_999) / 1_000_000);
        return new Decision(Verdict.REJECT, retryMillis);
    }

    /** Messages rejected so far. */
    public long rejected() {
        return rejected;
    }

    public boolean abusive() {
        return abusive;
    }
}
