package io.projectindex.hub.server.broker;

import io.vertx.core.Future;

/**
 * The publish rate limit per publisher ({@code PUBLISH_RATE_LIMIT}, {@code PUBLISH_RATE_BURST}):
 * shared by every node through Redis in multi-node operation, kept in this process otherwise.
 * Thread-safe.
 */
public interface PublishLimiter {
    /** No limit. */
    PublishLimiter NONE = (publisher, events) -> Future.succeededFuture(0L);

    /**
     * Takes {@code events} for {@code publisher}: 0 when admitted, otherwise the milliseconds
     * until the request would be. Never fails: when shared state cannot be reached the request is
     * admitted (the publish itself then reports the outage).
     */
    Future<Long> acquire(String publisher, int events);
}
