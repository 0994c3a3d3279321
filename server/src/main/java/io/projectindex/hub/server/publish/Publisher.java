package io.projectindex.hub.server.publish;

import io.projectindex.hub.protocol.EventDraft;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.Priority;
import io.projectindex.hub.server.broker.Broker;
import io.projectindex.hub.server.monitor.HubMetrics;
import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.ConflictException;
import io.projectindex.hub.server.stream.ContentHash;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns validated drafts into events (id, correlation id, persistence, priority defaults; data
 * serialised once) and publishes them through the broker. Tracks in-flight publishes so a
 * graceful shutdown can let them finish. Thread-safe.
 */
public final class Publisher {
    private final Broker broker;
    private final HubMetrics metrics;
    private final HubClock clock;
    private final String backend;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile Promise<Void> drained;

    /** @param backend the history backend's name, the tag of the append-latency timer */
    public Publisher(Broker broker, HubMetrics metrics, HubClock clock, String backend) {
        this.broker = broker;
        this.metrics = metrics;
        this.clock = clock;
        this.backend = backend;
    }

    public Future<List<AppendResult>> publish(List<EventDraft> drafts) {
        // Counted in flight before the draining check: a drain that saw no publish in flight can
        // never be followed by one that slips past the check (its events would miss the shutdown).
        inFlight.incrementAndGet();
        if (draining) {
            finished();
            return Future.failedFuture(new HistoryUnavailableException("the hub is shutting down", Duration.ofSeconds(1), null));
        }
        long start = clock.nanoTime();
        List<NewEvent> events;
        try {
            events = new ArrayList<>(drafts.size());
            for (EventDraft d : drafts) {
                events.add(normalise(d));
            }
        } catch (RuntimeException e) {
            finished();
            throw e;
        }
        long appendStart = clock.nanoTime();
        Future<List<AppendResult>> f;
        try {
            f = broker.publish(events);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.andThen(ar -> {
            long end = clock.nanoTime();
            metrics.historyAppend(backend).record(end - appendStart, TimeUnit.NANOSECONDS);
            if (ar.succeeded()) {
                for (AppendResult r : ar.result()) {
                    if (!r.duplicate()) {
                        metrics.published(r.event().type()).increment();
                        metrics.processingDuration(r.event().type()).record(end - start, TimeUnit.NANOSECONDS);
                    }
                }
            } else if (!(ar.cause() instanceof ConflictException)) {
                metrics.publishFailed(ar.cause() instanceof HistoryUnavailableException ? "history_unavailable"
                        : "internal").increment(events.size());
            }
            finished();
        });
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0 && draining) {
            Promise<Void> p = drained;
            if (p != null) {
                p.tryComplete();
            }
        }
    }

    static NewEvent normalise(EventDraft d) {
        UUID id = d.id() != null ? d.id() : UUID.randomUUID();
        String correlationId = d.correlationId() != null ? d.correlationId() : id.toString();
        PersistenceLevel persistence = d.persistenceLevel() != null ? d.persistenceLevel() : d.type().defaultPersistence();
        Priority priority = d.priority() != null ? d.priority() : d.type().defaultPriority();
        byte[] dataJson = Json.writeBytes(d.data());
        String hash = ContentHash.ofContent(d.type(), d.data(), correlationId, persistence);
        return new NewEvent(d.type(), id, d.projectId(), d.data(), d.typedData(), dataJson, correlationId,
                persistence, priority, hash);
    }

    /** Refuses new publishes; the future completes when those in flight have finished. */
    public Future<Void> drain() {
        Promise<Void> p = Promise.promise();
        drained = p;
        draining = true;
        if (inFlight.get() == 0) {
            p.tryComplete();
        }
        return p.future();
    }

    public boolean draining() {
        return draining;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
