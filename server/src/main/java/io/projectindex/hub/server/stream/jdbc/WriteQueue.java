package io.projectindex.hub.server.stream.jdbc;

import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.CleanupReport;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.vertx.core.Promise;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The work waiting for the writer thread: appends (bounded by the number of events), delivery
 * marks (bounded; overflow is dropped and counted by the caller) and commands (stream creation,
 * cleanup steps, barriers). {@link #take} hands the writer everything it can do in one
 * transaction. Thread-safe: producers on any thread, one consumer (the writer).
 */
final class WriteQueue {

    /** One {@code append} call. */
    record PendingAppend(List<NewEvent> events, Consumer<List<StoredEvent>> onAppended,
                         Promise<List<AppendResult>> promise) {
    }

    /** One delivery mark. */
    record Mark(String clientId, UUID eventId, boolean replayed) {
    }

    /** Work that is not an append. */
    sealed interface Command permits EnsureStream, Barrier, CleanupJob, PositionedInsert {
    }

    /**
     * Store events whose positions were assigned elsewhere (Redis): skip those already stored,
     * create missing streams in the events' epoch, advance the streams; answers how many were new.
     */
    record PositionedInsert(List<StoredEvent> events,
                            Promise<io.projectindex.hub.server.stream.DurableHistoryStore.Inserted> promise) implements Command {
    }

    /** Create a project's stream row if it is missing and answer its position. */
    record EnsureStream(UUID projectId, Promise<StreamPosition> promise) implements Command {
    }

    /** Completes once every mark queued before it has been committed. */
    record Barrier(Promise<Void> promise) implements Command {
    }

    /** A cleanup pass, done one bounded batch per turn so appends interleave. */
    static final class CleanupJob implements Command {
        final Instant now;
        final Promise<CleanupReport> promise;
        long deleted;
        final Map<UUID, CleanupReport.Removal> removals = new HashMap<>();

        CleanupJob(Instant now, Promise<CleanupReport> promise) {
            this.now = now;
            this.promise = promise;
        }
    }

    /** What the writer takes in one turn. */
    record Batch(List<PendingAppend> appends, List<Mark> marks, List<Command> commands) {
        boolean isEmpty() {
            return appends.isEmpty() && marks.isEmpty() && commands.isEmpty();
        }
    }

    /** Delivery marks stored per transaction at most (5000), so marks never hold appends back for long. */
    static final int MAX_MARKS_PER_TURN = 5000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final int maxPendingEvents;
    private final int maxPendingMarks;
    private final ArrayDeque<PendingAppend> appends = new ArrayDeque<>();
    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private final ArrayDeque<Command> commands = new ArrayDeque<>();
    private int pendingEvents;
    private boolean closed;

    WriteQueue(int maxPendingEvents, int maxPendingMarks) {
        this.maxPendingEvents = maxPendingEvents;
        this.maxPendingMarks = maxPendingMarks;
    }

    /** False when the queue is full or closed (the caller answers 503). */
    boolean offerAppend(PendingAppend a) {
        lock.lock();
        try {
            if (closed || (pendingEvents > 0 && pendingEvents + a.events().size() > maxPendingEvents)) {
                return false;
            }
            appends.add(a);
            pendingEvents += a.events().size();
            ready.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** False when the queue is full or closed (the caller answers 503); counts against the pending events. */
    boolean offerPositioned(PositionedInsert p) {
        lock.lock();
        try {
            if (closed || (pendingEvents > 0 && pendingEvents + p.events().size() > maxPendingEvents)) {
                return false;
            }
            commands.add(p);
            pendingEvents += p.events().size();
            ready.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** False when the queue is full or closed (the mark is dropped). */
    boolean offerMark(Mark m) {
        lock.lock();
        try {
            if (closed || marks.size() >= maxPendingMarks) {
                return false;
            }
            marks.add(m);
            ready.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** False when closed. Commands are few (one per subscribe of a new project, per cleanup, per barrier). */
    boolean offerCommand(Command c) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            commands.add(c);
            ready.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    int pendingEvents() {
        lock.lock();
        try {
            return pendingEvents;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (0: until work or close) and takes appends up to about
     * {@code maxEvents} events, up to {@link #MAX_MARKS_PER_TURN} marks and the commands (barriers
     * only once the marks before them are taken). Returns an empty batch on timeout and
     * null once closed and empty.
     */
    Batch take(int maxEvents, long timeoutMillis) throws InterruptedException {
        return take(maxEvents, timeoutMillis, 0, 0);
    }

    /**
     * Like {@link #take(int, long)}, but when fewer than {@code expectedAppends} appends are
     * waiting, lingers up to {@code lingerNanos} for the rest: publishers released by the last
     * commit come back together, and without the wait the writer would alternate between a batch
     * of one and a batch of the others.
     */
    Batch take(int maxEvents, long timeoutMillis, long lingerNanos, int expectedAppends) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (appends.isEmpty() && marks.isEmpty() && commands.isEmpty()) {
                if (closed) {
                    return null;
                }
                if (timeoutMillis == 0) {
                    ready.await();
                } else {
                    if (nanos <= 0) {
                        return new Batch(List.of(), List.of(), List.of());
                    }
                    nanos = ready.awaitNanos(nanos);
                }
            }
            long linger = lingerNanos;
            while (!closed && !appends.isEmpty() && appends.size() < expectedAppends && pendingEvents < maxEvents
                    && linger > 0) {
                linger = ready.awaitNanos(linger);
            }
            List<PendingAppend> a = new ArrayList<>();
            int events = 0;
            while (!appends.isEmpty() && (events == 0 || events + appends.peek().events().size() <= maxEvents)) {
                PendingAppend p = appends.poll();
                events += p.events().size();
                a.add(p);
            }
            pendingEvents -= events;
            List<Mark> m = new ArrayList<>(Math.min(marks.size(), MAX_MARKS_PER_TURN));
            while (!marks.isEmpty() && m.size() < MAX_MARKS_PER_TURN) {
                m.add(marks.poll());
            }
            // A barrier waits until every mark queued before it is taken; positioned inserts share
            // the turn's event budget with the appends.
            List<Command> c = new ArrayList<>(commands.size());
            for (java.util.Iterator<Command> it = commands.iterator(); it.hasNext(); ) {
                Command cmd = it.next();
                if (cmd instanceof PositionedInsert p) {
                    if (events > 0 && events + p.events().size() > maxEvents) {
                        continue;
                    }
                    events += p.events().size();
                    pendingEvents -= p.events().size();
                }
                if (marks.isEmpty() || !(cmd instanceof Barrier)) {
                    c.add(cmd);
                    it.remove();
                }
            }
            return new Batch(a, m, c);
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new work; what is queued is still taken. */
    void close() {
        lock.lock();
        try {
            closed = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
