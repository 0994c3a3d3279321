package io.projectindex.hub.server.stream;

import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A durable store with a bounded in-memory tier in front, so that resumes and replays of recent
 * events never touch the database.
 *
 * <p>Design note. Thread-safe; one short lock guards the memory tier. Every event is stored by
 * the durable tier first; the memory tier learns it from the durable store's sequencing step
 * (before fan-out and before the publish is acknowledged) and keeps, per project, the newest
 * {@code maxEventsPerProject} events for at most {@code memoryTtl} after their timestamp
 * ({@code EVENT_HISTORY_MAX_EVENTS}, {@code EVENT_HISTORY_TTL_HOURS}). Per project it knows from
 * which offset it holds <em>every</em> stored event ({@code coveredFrom}) and after which
 * timestamp ({@code coveredAfter}); a read it can answer entirely is answered from memory, any
 * other read goes entirely to the durable tier — never a mix, so no event comes twice and order is
 * the durable order. Events expired by their persistence level leave both tiers in the same
 * cleanup, and the memory tier copies the durable removal markers, so {@code history_expired}
 * answers agree between the tiers. The memory tier assumes this process is the only writer of its
 * streams; if an offset arrives out of sequence it starts over from that offset.
 */
public final class TieredHistoryStore implements HistoryStore {
    private final DurableHistoryStore durable;
    private final int maxEventsPerProject;
    private final Duration memoryTtl;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, Recent> projects = new HashMap<>();

    /** The memory tier of one project. Guarded by {@link #lock}. */
    private static final class Recent {
        final String epoch;
        final OffsetLog events = new OffsetLog();
        long top;
        /** Every stored event with an offset >= this is in {@link #events}. */
        long coveredFrom;
        /** Every stored event newer than this is in {@link #events} (null: not known). */
        Instant coveredAfter;
        boolean removalKnown;
        long removedThrough;
        Instant removedUntil;

        Recent(String epoch, long top) {
            this.epoch = epoch;
            this.top = top;
            this.coveredFrom = top + 1;
        }

        void uncover(StoredEvent e) {
            coveredFrom = Math.max(coveredFrom, e.offset() + 1);
            coveredAfter = coveredAfter == null || e.timestamp().isAfter(coveredAfter) ? e.timestamp() : coveredAfter;
        }

        void noteRemoved(long through, Instant until) {
            removedThrough = Math.max(removedThrough, through);
            if (until != null && (removedUntil == null || until.isAfter(removedUntil))) {
                removedUntil = until;
            }
        }

        boolean covers(ReadRequest r) {
            if (!removalKnown) {
                return false;
            }
            if (r.afterOffset() != null) {
                return r.afterOffset() + 1 >= coveredFrom;
            }
            if (coveredFrom <= 1) {
                return true;
            }
            return r.afterTime() != null && coveredAfter != null && !r.afterTime().isBefore(coveredAfter);
        }
    }

    public TieredHistoryStore(DurableHistoryStore durable, HubClock clock, int maxEventsPerProject, Duration memoryTtl) {
        if (maxEventsPerProject < 1) {
            throw new IllegalArgumentException("maxEventsPerProject must be >= 1, was " + maxEventsPerProject);
        }
        if (memoryTtl.isNegative() || memoryTtl.isZero()) {
            throw new IllegalArgumentException("memoryTtl must be positive, was " + memoryTtl);
        }
        this.durable = durable;
        this.maxEventsPerProject = maxEventsPerProject;
        this.memoryTtl = memoryTtl;
    }

    public DurableHistoryStore durable() {
        return durable;
    }

    @Override
    public String backend() {
        return durable.backend();
    }

    @Override
    public Future<List<AppendResult>> append(List<NewEvent> events, Consumer<List<StoredEvent>> onAppended) {
        return durable.append(events, stored -> {
            remember(stored);
            onAppended.accept(stored);
        });
    }

    private void remember(List<StoredEvent> stored) {
        lock.lock();
        try {
            for (StoredEvent e : stored) {
                Recent r = projects.get(e.projectId());
                if (r == null) {
                    r = new Recent(e.epoch(), e.offset() - 1);
                    // A stream that starts here has had nothing removed yet.
                    r.removalKnown = e.offset() == 1;
                    projects.put(e.projectId(), r);
                }
                if (e.offset() <= r.top) {
                    continue;
                }
                if (e.offset() > r.top + 1) {
                    // Another writer stored the offsets in between: start over from here.
                    while (r.events.size() > 0) {
                        r.uncover(r.events.removeFirst());
                    }
                    r.coveredFrom = e.offset();
                }
                if (r.events.size() == 0 && r.coveredFrom > 1) {
                    // Everything older has a timestamp no later than this one.
                    r.coveredAfter = r.coveredAfter == null || e.timestamp().isAfter(r.coveredAfter)
                            ? e.timestamp() : r.coveredAfter;
                }
                r.events.add(e);
                r.top = e.offset();
                while (r.events.size() > maxEventsPerProject) {
                    r.uncover(r.events.removeFirst());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<ReadResult> read(ReadRequest request) {
        if (request.excludeDeliveredTo() == null) {
            ReadResult fromMemory = readMemory(request);
            if (fromMemory != null) {
                return Future.succeededFuture(fromMemory);
            }
        }
        return durable.read(request).andThen(ar -> {
            if (ar.succeeded()) {
                learn(request.projectId(), ar.result());
            }
        });
    }

    /** The answer from memory, or null if memory does not hold every event the read may return. */
    private ReadResult readMemory(ReadRequest request) {
        lock.lock();
        try {
            Recent r = projects.get(request.projectId());
            if (r == null || !r.covers(request)) {
                return null;
            }
            OffsetLog log = r.events;
            int start = request.afterOffset() != null ? log.indexAfterOffset(request.afterOffset())
                    : request.afterTime() != null ? log.indexAfterTime(request.afterTime()) : 0;
            List<StoredEvent> out = new ArrayList<>(Math.min(request.limit(), Math.max(0, log.size() - start)));
            boolean hasMore = false;
            for (int i = start; i < log.size(); i++) {
                StoredEvent e = log.get(i);
                if (!request.matches(e)) {
                    continue;
                }
                if (out.size() == request.limit()) {
                    hasMore = true;
                    break;
                }
                out.add(e);
            }
            return new ReadResult(out, hasMore, new StreamPosition(r.epoch, r.top), r.removedThrough, r.removedUntil);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the durable stream markers from a durable read, creating the project's memory tier if needed. */
    private void learn(UUID projectId, ReadResult result) {
        lock.lock();
        try {
            Recent r = projects.computeIfAbsent(projectId, p -> new Recent(result.head().epoch(), result.head().offset()));
            r.noteRemoved(result.removedThrough(), result.removedUntil());
            r.removalKnown = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<StreamPosition> position(UUID projectId) {
        lock.lock();
        try {
            Recent r = projects.get(projectId);
            if (r != null) {
                return Future.succeededFuture(new StreamPosition(r.epoch, r.top));
            }
        } finally {
            lock.unlock();
        }
        return durable.position(projectId);
    }

    @Override
    public Future<CleanupResult> cleanup(Instant now) {
        return durable.cleanupReport(now).map(report -> new CleanupResult(cleanupMemory(now, report), report.deleted()));
    }

    private long cleanupMemory(Instant now, CleanupReport report) {
        lock.lock();
        try {
            for (Map.Entry<UUID, CleanupReport.Removal> e : report.removals().entrySet()) {
                Recent r = projects.get(e.getKey());
                if (r != null) {
                    r.noteRemoved(e.getValue().removedThrough(), e.getValue().removedUntil());
                }
            }
            long removed = 0;
            for (Iterator<Recent> it = projects.values().iterator(); it.hasNext(); ) {
                Recent r = it.next();
                removed += r.events.removeIf(e -> expired(e, now) || !e.timestamp().plus(memoryTtl).isAfter(now), e -> {
                    if (!expired(e, now)) {
                        r.uncover(e);
                    }
                });
                if (r.events.size() == 0) {
                    // Idle project: forget it; the next read learns it again from the durable tier.
                    it.remove();
                }
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    private static boolean expired(StoredEvent e, Instant now) {
        Instant at = e.expiresAt();
        return at != null && !at.isAfter(now);
    }

    @Override
    public void markDelivered(String clientId, List<UUID> eventIds, boolean replayed) {
        durable.markDelivered(clientId, eventIds, replayed);
    }

    @Override
    public Future<DeliveryRecord> deliveries(UUID eventId) {
        return durable.deliveries(eventId);
    }

    @Override
    public Future<Void> ping() {
        return durable.ping();
    }

    @Override
    public Future<Void> close() {
        return durable.close();
    }

    /** Events held in memory, across projects (for monitoring). */
    public int memorySize() {
        lock.lock();
        try {
            int n = 0;
            for (Recent r : projects.values()) {
                n += r.events.size();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }
}
