package io.projectindex.hub.server.time;

import java.time.Instant;

/**
 * The hub's source of time, injected everywhere so tests can drive it (a fake clock lives in the
 * test fixtures). {@link #now()} is wall-clock time for timestamps; {@link #nanoTime()} is
 * monotonic time for durations and rate limits. Implementations are thread-safe.
 */
public interface HubClock {
    Instant now();

    long nanoTime();

    default long millis() {
        return now().toEpochMilli();
    }

    HubClock SYSTEM = new HubClock() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    };
}
