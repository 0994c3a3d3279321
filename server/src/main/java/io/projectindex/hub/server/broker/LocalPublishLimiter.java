package io.projectindex.hub.server.broker;

import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;

/** The publish rate limit of a single node, in memory ({@link Gcra}). Thread-safe. */
public final class LocalPublishLimiter implements PublishLimiter {
    private final Gcra gcra;

    public LocalPublishLimiter(HubClock clock, double ratePerSecond, int burst) {
        this.gcra = new Gcra(clock, ratePerSecond, burst);
    }

    @Override
    public Future<Long> acquire(String publisher, int events) {
        long waitNanos = gcra.acquire(publisher, events);
        return Future.succeededFuture(waitNanos == 0 ? 0L : Math.max(1, (waitNanos + 999_999) / 1_000_000));
    }
}
