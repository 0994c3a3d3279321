package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.broker.PublishLimiter;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The publish rate limit shared by every node: one GCRA state per publisher in Redis
 * ({@code pih:rl:<publisher>}, expiring once the publisher's bucket is full again), updated by
 * {@code ratelimit.lua} on Redis time so all nodes agree. When Redis cannot be reached the request
 * is admitted and counted: the publish then fails with 503 on its own. Thread-safe.
 */
public final class RedisPublishLimiter implements PublishLimiter {
    private static final Logger log = LoggerFactory.getLogger(RedisPublishLimiter.class);

    private final RedisLink link;
    private final double ratePerSecond;
    private final int burst;
    private final AtomicLong unchecked = new AtomicLong();

    public RedisPublishLimiter(RedisLink link, double ratePerSecond, int burst) {
        this.link = link;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
    }

    static String key(String publisher) {
        return RedisKeys.PREFIX + "rl:" + publisher;
    }

    @Override
    public Future<Long> acquire(String publisher, int events) {
        return Script.RATE_LIMIT.run(link, List.of(key(publisher)), List.of(Double.toString(ratePerSecond), burst, events, 0L))
                .map(r -> r.toLong())
                .otherwise(t -> {
                    if (unchecked.incrementAndGet() % 1000 == 1) {
                        log.warn("publish rate limit not checked, Redis unreachable: {} ({} so far)", t.getMessage(),
                                unchecked.get());
                    }
                    return 0L;
                });
    }
}
