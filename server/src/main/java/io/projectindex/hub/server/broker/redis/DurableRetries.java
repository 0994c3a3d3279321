package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.stream.StoredEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable writes that failed after Redis had stored (and fanned out) their events: retried every
 * {@link #RETRY_MILLIS} until the durable store takes them, so a publisher that gives up after its
 * 503 does not leave a hole in durable history while this node lives. Bounded; overflow is logged
 * and counted (the events stay in Redis until trimmed, and a republish with the same ids writes
 * them). The insert is idempotent, so racing the publisher's own retry is harmless. Thread-safe.
 */
final class DurableRetries {
    private static final Logger log = LoggerFactory.getLogger(DurableRetries.class);
    /** Events waiting for a durable retry at most (10,000). */
    static final int MAX_PENDING = 10_000;
    /** Interval between retries (1 s). */
    static final long RETRY_MILLIS = 1000;
    /** Events per retried insert (1000). */
    private static final int BATCH = 1000;

    private final Vertx vertx;
    private final DurableHistoryStore durable;
    private final ConcurrentLinkedQueue<StoredEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final long timer;

    DurableRetries(Vertx vertx, DurableHistoryStore durable) {
        this.vertx = vertx;
        this.durable = durable;
        this.timer = vertx.setPeriodic(RETRY_MILLIS, id -> retry());
    }

    void add(List<StoredEvent> events) {
        for (StoredEvent e : events) {
            if (size.incrementAndGet() > MAX_PENDING) {
                size.decrementAndGet();
                if (dropped.incrementAndGet() % 1000 == 1) {
                    log.error("durable retry queue full ({} events): event {} stays only in Redis unless republished"
                            + " ({} dropped so far)", MAX_PENDING, e, dropped.get());
                }
                continue;
            }
            pending.add(e);
        }
    }

    int size() {
        return size.get();
    }

    private void retry() {
        if (pending.isEmpty() || !running.compareAndSet(false, true)) {
            return;
        }
        List<StoredEvent> batch = new ArrayList<>(BATCH);
        StoredEvent e;
        while (batch.size() < BATCH && (e = pending.poll()) != null) {
            size.decrementAndGet();
            batch.add(e);
        }
        durable.insertPositioned(batch).onComplete(ar -> {
            running.set(false);
            if (ar.failed()) {
                add(batch);
            } else if (!ar.result().positionTaken().isEmpty()) {
                log.error("durable retry: {} events lost their positions to others (Redis lost writes); republishing them"
                        + " stores them at new offsets", ar.result().positionTaken().size());
            } else {
                log.info("durable store took {} events after a retry ({} still waiting)", batch.size(), size.get());
            }
        });
    }

    /** Stops retrying; one last attempt for what is waiting. */
    Future<Void> close() {
        vertx.cancelTimer(timer);
        if (pending.isEmpty()) {
            return Future.succeededFuture();
        }
        List<StoredEvent> rest = new ArrayList<>(pending);
        pending.clear();
        size.set(0);
        return durable.insertPositioned(rest).onFailure(t -> log.error("{} events stay only in Redis: the durable store"
                + " failed at shutdown ({})", rest.size(), t.toString())).mapEmpty();
    }
}
