package io.projectindex.hub.server.stream;

import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * History kept in memory only: each project keeps its newest {@code maxEventsPerProject} events
 * (older ones are evicted) until their persistence level expires, or until {@code memoryTtl}
 * after their timestamp if that is sooner ({@code EVENT_HISTORY_TTL_HOURS}). Epochs are created
 * per process, so a restart starts every stream in a new epoch (clients resuming get
 * {@code epoch_changed}). Delivery records live beside the events and leave with them.
 *
 * <p>Thread-safe: one short lock guards all state; every operation completes synchronously
 * (microseconds), so callers on event loops are never parked for long. Appends across projects
 * take the same lock, which also makes them all-or-nothing.
 */
public final class InMemoryHistoryStore implements HistoryStore {
    private final HubClock clock;
    private final int maxEventsPerProject;
    private final Duration memoryTtl;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<UUID, ProjectLog> projects = new HashMap<>();
    private final Map<UUID, StoredEvent> byId = new HashMap<>();
    private final Map<UUID, Deliveries> deliveries = new HashMap<>();

    /** Deliveries of one stored event. Guarded by {@link #lock}. */
    private static final class Deliveries {
        final Set<String> clients = new LinkedHashSet<>();
        long replays;
    }

    /** Per-project state. Guarded by {@link #lock}. */
    private static final class ProjectLog {
        final String epoch = Epochs.next();
        final OffsetLog events = new OffsetLog();
        long top;
        Instant lastTimestamp = Instant.EPOCH;
        long removedThrough;
        Instant removedUntil;

        void noteRemoved(StoredEvent e) {
            removedThrough = Math.max(removedThrough, e.offset());
            if (removedUntil == null || e.timestamp().isAfter(removedUntil)) {
                removedUntil = e.timestamp();
            }
        }
    }

    /** A store whose events stay until evicted or expired by their persistence level. */
    public InMemoryHistoryStore(HubClock clock, int maxEventsPerProject) {
        this(clock, maxEventsPerProject, null);
    }

    /** A store that also drops events {@code memoryTtl} after their timestamp (null: no such limit). */
    public InMemoryHistoryStore(HubClock clock, int maxEventsPerProject, Duration memoryTtl) {
        if (memoryTtl != null && (memoryTtl.isNegative() || memoryTtl.isZero())) {
            throw new IllegalArgumentException("memoryTtl must be positive, was " + memoryTtl);
        }
        this.memoryTtl = memoryTtl;
        if (maxEventsPerProject < 1) {
            throw new IllegalArgumentException("maxEventsPerProject must be >= 1, was " + maxEventsPerProject);
        }
        this.clock = clock;
        this.maxEventsPerProject = maxEventsPerProject;
    }

    @Override
    public String backend() {
        return "memory";
    }

    @Override
    public Future<List<AppendResult>> append(List<NewEvent> events, Consumer<List<StoredEvent>> onAppended) {
        lock.lock();
        try {
            // First pass: resolve duplicates and conflicts, so that a conflict stores nothing.
            Map<UUID, NewEvent> inRequest = new HashMap<>();
            for (NewEvent e : events) {
                StoredEvent existing = byId.get(e.id());
                String hash = existing != null ? existing.contentHash()
                        : inRequest.containsKey(e.id()) ? inRequest.get(e.id()).contentHash() : null;
                if (hash != null && !hash.equals(e.contentHash())) {
                    return Future.failedFuture(new ConflictException(e.id()));
                }
                inRequest.putIfAbsent(e.id(), e);
            }
            List<AppendResult> results = new ArrayList<>(events.size());
            List<StoredEvent> appended = new ArrayList<>(events.size());
            Map<UUID, StoredEvent> stored = new HashMap<>();
            Instant now = clock.now().truncatedTo(ChronoUnit.MILLIS);
            for (NewEvent e : events) {
                StoredEvent existing = byId.get(e.id());
                if (existing == null) {
                    existing = stored.get(e.id());
                }
                if (existing != null) {
                    results.add(new AppendResult(existing, true));
                    continue;
                }
                ProjectLog log = projects.computeIfAbsent(e.projectId(), p -> new ProjectLog());
                Instant ts = now.isBefore(log.lastTimestamp) ? log.lastTimestamp : now;
                log.lastTimestamp = ts;
                StoredEvent s = new StoredEvent(e, ts, log.epoch, ++log.top);
                log.events.add(s);
                while (log.events.size() > maxEventsPerProject) {
                    StoredEvent evicted = log.events.removeFirst();
                    byId.remove(evicted.id());
                    deliveries.remove(evicted.id());
                    log.noteRemoved(evicted);
                }
                byId.put(e.id(), s);
                stored.put(e.id(), s);
                appended.add(s);
                results.add(new AppendResult(s, false));
            }
            if (!appended.isEmpty()) {
                onAppended.accept(appended);
            }
            return Future.succeededFuture(results);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<ReadResult> read(ReadRequest request) {
        lock.lock();
        try {
            ProjectLog log = projects.computeIfAbsent(request.projectId(), p -> new ProjectLog());
            OffsetLog events = log.events;
            int start = request.afterOffset() != null ? events.indexAfterOffset(request.afterOffset())
                    : request.afterTime() != null ? events.indexAfterTime(request.afterTime()) : 0;
            List<StoredEvent> out = new ArrayList<>(Math.min(request.limit(), Math.max(0, events.size() - start)));
            boolean hasMore = false;
            for (int i = start; i < events.size(); i++) {
                StoredEvent e = events.get(i);
                if (!request.matches(e) || deliveredTo(e, request.excludeDeliveredTo())) {
                    continue;
                }
                if (out.size() == request.limit()) {
                    hasMore = true;
                    break;
                }
                out.add(e);
            }
            return Future.succeededFuture(new ReadResult(out, hasMore, new StreamPosition(log.epoch, log.top),
                    log.removedThrough, log.removedUntil));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<StreamPosition> position(UUID projectId) {
        lock.lock();
        try {
            ProjectLog log = projects.computeIfAbsent(projectId, p -> new ProjectLog());
            return Future.succeededFuture(new StreamPosition(log.epoch, log.top));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<CleanupResult> cleanup(Instant now) {
        lock.lock();
        try {
            long removed = 0;
            for (ProjectLog log : projects.values()) {
                removed += log.events.removeIf(e -> {
                    Instant expires = expiresAt(e);
                    return expires != null && !expires.isAfter(now);
                }, e -> {
                    byId.remove(e.id());
                    deliveries.remove(e.id());
                    log.noteRemoved(e);
                });
            }
            return Future.succeededFuture(new CleanupResult(removed, 0));
        } finally {
            lock.unlock();
        }
    }

    /** When this store drops {@code e}: its persistence expiry, capped by the memory TTL. */
    private Instant expiresAt(StoredEvent e) {
        Instant level = e.expiresAt();
        if (memoryTtl == null) {
            return level;
        }
        Instant cap = e.timestamp().plus(memoryTtl);
        return level == null || cap.isBefore(level) ? cap : level;
    }

    private boolean deliveredTo(StoredEvent e, String clientId) {
        if (clientId == null) {
            return false;
        }
        Deliveries d = deliveries.get(e.id());
        return d != null && d.clients.contains(clientId);
    }

    @Override
    public void markDelivered(String clientId, List<UUID> eventIds, boolean replayed) {
        if (clientId == null && !replayed) {
            return;
        }
        lock.lock();
        try {
            for (UUID id : eventIds) {
                if (!byId.containsKey(id)) {
                    continue;
                }
                Deliveries d = deliveries.computeIfAbsent(id, k -> new Deliveries());
                if (clientId != null && d.clients.size() < DeliveryRecord.MAX_CLIENTS) {
                    d.clients.add(clientId);
                }
                if (replayed) {
                    d.replays++;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<DeliveryRecord> deliveries(UUID eventId) {
        lock.lock();
        try {
            Deliveries d = deliveries.get(eventId);
            return Future.succeededFuture(d == null ? DeliveryRecord.NONE : new DeliveryRecord(d.clients, d.replays));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Future<Void> ping() {
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }

    /** Number of events held, across projects (for monitoring). */
    public int size() {
        lock.lock();
        try {
            return byId.size();
        } finally {
            lock.unlock();
        }
    }
}
