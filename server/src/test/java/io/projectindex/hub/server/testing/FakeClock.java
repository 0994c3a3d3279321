package io.projectindex.hub.server.testing;

import io.projectindex.hub.server.time.HubClock;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to. Thread-safe. */
public final class FakeClock implements HubClock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Instant start;

    public FakeClock() {
        this(Instant.parse("2025-01-15T12:00:00Z"));
    }

    public FakeClock(Instant start) {
        this.start = start;
    }

    @Override
    public Instant now() {
        return start.plusNanos(nanos.get() - 1_000_000_000L);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    public FakeClock advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        return this;
    }

    public FakeClock advanceMillis(long ms) {
        return advance(Duration.ofMillis(ms));
    }
}
