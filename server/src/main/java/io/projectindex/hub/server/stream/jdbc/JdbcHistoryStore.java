package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.MeterRegistry;
import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.CleanupReport;
import io.projectindex.hub.server.stream.DeliveryRecord;
import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The engine shared by the SQL backends; subclasses supply connections and SQL ({@link SqlHistory}).
 *
 * <p>Design note. Thread-safe; no method blocks its caller. Writes go through one writer thread
 * that takes everything queued since its last turn (appends up to {@link #DEFAULT_MAX_BATCH_EVENTS}
 * events, all delivery marks, stream creations) and stores it in one transaction: a group commit,
 * so one fsync or round trip serves many publishes. Inside it the writer locks the stream rows of
 * the projects involved, resolves duplicates and conflicts, assigns offsets and timestamps, inserts
 * the rows and advances the streams. After the commit it calls each append's {@code onAppended} in
 * queue order and only then completes the append, so fan-out order is offset order and a publish
 * is acknowledged only once durable. Reads run on a small pool of reader threads with their own
 * connections. A failure of the backend opens an outage: appends and reads fail fast with
 * {@link HistoryUnavailableException} (503 / {@code REPLAY_UNAVAILABLE}) and the writer probes the
 * backend every {@link #RETRY_AFTER} until it answers again.
 */
public abstract class JdbcHistoryStore implements DurableHistoryStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcHistoryStore.class);

    /** Events stored per transaction at most (2000). */
    public static final int DEFAULT_MAX_BATCH_EVENTS = 2000;
    /** Events waiting for the writer at most (50,000); more is answered with 503. */
    public static final int DEFAULT_MAX_PENDING_EVENTS = 50_000;
    /** Delivery marks waiting for the writer at most (100,000); more are dropped and counted. */
    public static final int DEFAULT_MAX_PENDING_MARKS = 100_000;
    /** Rows deleted per cleanup transaction (1000). */
    public static final int DEFAULT_CLEANUP_BATCH_ROWS = 1000;
    /** Reads waiting for a reader thread at most (1024); more is answered as unavailable. */
    public static final int MAX_PENDING_READS = 1024;
    /** How long callers are told to wait in an outage, and how often the backend is probed then. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    /**
     * How long the writer waits at most for the publishers of its last commit before committing a
     * smaller batch (1 ms; like PostgreSQL's {@code commit_delay}).
     */
    public static final Duration COMMIT_LINGER = Duration.ofMillis(1);
    private static final int MAX_ATTEMPTS = 3;

    protected final HubClock clock;
    private final String backend;
    private final SqlHistory sql;
    private final HistoryMetrics metrics;
    private final WriteQueue queue = new WriteQueue(DEFAULT_MAX_PENDING_EVENTS, DEFAULT_MAX_PENDING_MARKS);
    private final Thread writer;
    private final ThreadPoolExecutor readers;
    private final AtomicLong corrupted = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Promise<Void> closed = Promise.promise();
    /** Null while the backend answers. Written by whichever thread saw the failure or the recovery. */
    private volatile Outage outage;
    /** When the writer last probed a down backend (System.nanoTime). Writer thread only. */
    private long lastProbeNanos;

    private record Outage(long sinceNanos, String error) {
    }

    protected JdbcHistoryStore(HubClock clock, String backend, SqlHistory sql, MeterRegistry registry, int readerThreads) {
        this.clock = clock;
        this.backend = backend;
        this.sql = sql;
        this.metrics = new HistoryMetrics(registry, backend);
        AtomicInteger n = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(readerThreads, readerThreads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_PENDING_READS), r -> {
                    Thread t = new Thread(r, "history-reader-" + backend + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.writer = new Thread(this::writerLoop, "history-writer-" + backend);
        this.writer.setDaemon(true);
    }

    /** Starts the writer; subclasses call it once their connections are set up. */
    protected final void start() {
        writer.start();
    }

    // ---------------------------------------------------------------- connections (subclasses)

    /** A connection for one write transaction (auto-commit off). */
    protected abstract Connection acquireWriter() throws SQLException;

    protected abstract void releaseWriter(Connection c, boolean failed);

    /** A connection for reads on the calling reader thread. */
    protected abstract Connection acquireReader() throws SQLException;

    protected abstract void releaseReader(Connection c, boolean failed);

    /** Closes every connection; called once, after the writer has finished. */
    protected abstract void closeConnections();

    /**
     * Checks that the backend answers, during an outage; should fail fast. The default borrows the
     * writer's connection; a pooled backend overrides it with a direct, short-timeout connection.
     */
    protected void probeBlocking() throws SQLException {
        Connection c = acquireWriter();
        try {
            sql.ping(c);
            c.rollback();
            releaseWriter(c, false);
        } catch (SQLException | RuntimeException e) {
            releaseWriter(c, true);
            throw e;
        }
    }

    // ---------------------------------------------------------------- HistoryStore

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public Future<List<AppendResult>> append(List<NewEvent> events, Consumer<List<StoredEvent>> onAppended) {
        if (events.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        HistoryUnavailableException down = fastFailure("append");
        if (down != null) {
            metrics.appendsRejected.increment();
            return Future.failedFuture(down);
        }
        Promise<List<AppendResult>> p = Promise.promise();
        if (!queue.offerAppend(new WriteQueue.PendingAppend(List.copyOf(events), onAppended, p))) {
            metrics.appendsRejected.increment();
            return Future.failedFuture(new HistoryUnavailableException("history append queue full (backend=" + backend
                    + ", pending=" + queue.pendingEvents() + " events, limit " + DEFAULT_MAX_PENDING_EVENTS + ")",
                    RETRY_AFTER, null));
        }
        return p.future();
    }

    @Override
    public Future<ReadResult> read(ReadRequest request) {
        if (request.excludeDeliveredTo() == null) {
            return readNow(request);
        }
        // Marks are written by the writer; wait until every mark made so far is committed.
        Promise<Void> barrier = Promise.promise();
        if (!queue.offerCommand(new WriteQueue.Barrier(barrier))) {
            return Future.failedFuture(closedFailure());
        }
        return barrier.future().compose(v -> readNow(request));
    }

    private Future<ReadResult> readNow(ReadRequest r) {
        return onReader("read", false, c -> {
            List<EventRow> rows = r.limit() == 0 ? List.of() : sql.selectEvents(c, r, r.limit() + 1);
            StreamRow stream = sql.selectStream(c, r.projectId());
            return new RawRead(rows, stream);
        }).compose(raw -> raw.stream != null ? Future.succeededFuture(raw.result(r))
                : ensureStream(r.projectId()).map(head -> new ReadResult(List.of(), false, head, 0, null)));
    }

    /** Rows as read, decoded into a result on the reader thread's caller side. */
    private final class RawRead {
        final List<EventRow> rows;
        final StreamRow stream;

        RawRead(List<EventRow> rows, StreamRow stream) {
            this.rows = rows;
            this.stream = stream;
        }

        ReadResult result(ReadRequest r) {
            boolean hasMore = rows.size() > r.limit();
            List<StoredEvent> events = new ArrayList<>(Math.min(rows.size(), r.limit()));
            long removedThrough = stream.removedThrough;
            Instant removedUntil = stream.removedUntil;
            for (int i = 0; i < rows.size() && i < r.limit(); i++) {
                EventRow row = rows.get(i);
                try {
                    events.add(row.decode(true, reencodeData()));
                } catch (EventRow.CorruptRowException e) {
                    corrupted.incrementAndGet();
                    metrics.corruptedEvents.increment();
                    log.error("history row skipped, never delivered: {} (backend={}, id={}, project={}, offset={})",
                            e.getMessage(), backend, row.id(), row.projectId(), row.seq());
                    // A resume across a skipped row must not look complete.
                    removedThrough = Math.max(removedThrough, row.seq());
                    if (removedUntil == null || row.createdAt().isAfter(removedUntil)) {
                        removedUntil = row.createdAt();
                    }
                }
            }
            return new ReadResult(events, hasMore, stream.position(), removedThrough, removedUntil);
        }
    }

    /** True when the JSON text a row gives back should be written again in compact form. */
    protected boolean reencodeData() {
        return false;
    }

    @Override
    public Future<StreamPosition> position(UUID projectId) {
        return onReader("position", false, c -> sql.selectStream(c, projectId))
                .compose(s -> s != null ? Future.succeededFuture(s.position()) : ensureStream(projectId));
    }

    @Override
    public Future<Head> head(UUID projectId) {
        return onReader("head", false, c -> sql.selectStream(c, projectId)).compose(s -> s != null
                ? Future.succeededFuture(new Head(s.epoch, s.top, s.lastTimestamp))
                : ensureStream(projectId).compose(created -> onReader("head", false, c -> sql.selectStream(c, projectId)))
                        .map(row -> new Head(row.epoch, row.top, row.lastTimestamp)));
    }

    @Override
    public Future<Inserted> insertPositioned(List<StoredEvent> events) {
        if (events.isEmpty()) {
            return Future.succeededFuture(new Inserted(0, List.of()));
        }
        HistoryUnavailableException down = fastFailure("insert");
        if (down != null) {
            metrics.appendsRejected.increment();
            return Future.failedFuture(down);
        }
        Promise<Inserted> p = Promise.promise();
        if (!queue.offerPositioned(new WriteQueue.PositionedInsert(List.copyOf(events), p))) {
            metrics.appendsRejected.increment();
            return Future.failedFuture(new HistoryUnavailableException("history insert queue full (backend=" + backend
                    + ", pending=" + queue.pendingEvents() + " events, limit " + DEFAULT_MAX_PENDING_EVENTS + ")",
                    RETRY_AFTER, null));
        }
        return p.future();
    }

    private Future<StreamPosition> ensureStream(UUID projectId) {
        Promise<StreamPosition> p = Promise.promise();
        if (!queue.offerCommand(new WriteQueue.EnsureStream(projectId, p))) {
            return Future.failedFuture(closedFailure());
        }
        return p.future();
    }

    @Override
    public Future<CleanupReport> cleanupReport(Instant now) {
        Promise<CleanupReport> p = Promise.promise();
        if (!queue.offerCommand(new WriteQueue.CleanupJob(now, p))) {
            return Future.failedFuture(closedFailure());
        }
        return p.future();
    }

    @Override
    public void markDelivered(String clientId, List<UUID> eventIds, boolean replayed) {
        if (clientId == null && !replayed) {
            return;
        }
        for (UUID id : eventIds) {
            if (outage != null || !queue.offerMark(new WriteQueue.Mark(clientId, id, replayed))) {
                metrics.marksDropped.increment();
            }
        }
    }

    @Override
    public Future<DeliveryRecord> deliveries(UUID eventId) {
        Promise<Void> barrier = Promise.promise();
        if (!queue.offerCommand(new WriteQueue.Barrier(barrier))) {
            return Future.failedFuture(closedFailure());
        }
        return barrier.future().compose(v -> onReader("deliveries", false, c -> sql.selectDeliveries(c, eventId)));
    }

    @Override
    public Future<Void> ping() {
        if (outage != null) {
            // Readiness during an outage: one quick probe instead of a wait on the pool.
            return onReader("ping", true, c -> null, true);
        }
        return onReader("ping", true, c -> {
            sql.ping(c);
            return null;
        });
    }

    @Override
    public Future<Void> close() {
        if (closing.compareAndSet(false, true)) {
            queue.close();
            Thread closer = new Thread(() -> {
                try {
                    writer.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                readers.shutdown();
                try {
                    readers.awaitTermination(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                closeConnections();
                closed.tryComplete();
            }, "history-close-" + backend);
            closer.setDaemon(true);
            closer.start();
        }
        return closed.future();
    }

    /** Rows skipped on read because they failed their checksum, since start. */
    public long corruptedEvents() {
        return corrupted.get();
    }

    /** True while the backend is considered down. */
    public boolean inOutage() {
        return outage != null;
    }

    // ---------------------------------------------------------------- reads

    /** Work on a reader thread with its connection. */
    @FunctionalInterface
    interface ReaderWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> Future<T> onReader(String what, boolean probe, ReaderWork<T> work) {
        return onReader(what, probe, work, false);
    }

    private <T> Future<T> onReader(String what, boolean probe, ReaderWork<T> work, boolean direct) {
        if (!probe) {
            HistoryUnavailableException down = fastFailure(what);
            if (down != null) {
                return Future.failedFuture(down);
            }
        }
        Promise<T> p = Promise.promise();
        try {
            readers.execute(() -> {
                Connection c = null;
                try {
                    T result;
                    if (direct) {
                        probeBlocking();
                        result = work.run(null);
                    } else {
                        c = acquireReader();
                        result = work.run(c);
                        releaseReader(c, false);
                    }
                    recovered();
                    p.complete(result);
                } catch (SQLException | RuntimeException e) {
                    if (c != null) {
                        releaseReader(c, true);
                    }
                    p.fail(failed(what, e));
                }
            });
        } catch (RejectedExecutionException e) {
            return Future.failedFuture(closing.get() ? closedFailure() : new HistoryUnavailableException(
                    "history read queue full (backend=" + backend + ", limit " + MAX_PENDING_READS + ")", RETRY_AFTER, null));
        }
        return p.future();
    }

    // ---------------------------------------------------------------- outage

    /** The failure to answer without trying, while in an outage and not yet due for a probe. */
    private HistoryUnavailableException fastFailure(String what) {
        if (closing.get()) {
            return closedFailure();
        }
        Outage o = outage;
        if (o == null) {
            return null;
        }
        return new HistoryUnavailableException("history backend " + backend + " unavailable for " + what + " since "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - o.sinceNanos) + " ms: " + o.error, RETRY_AFTER, null);
    }

    private HistoryUnavailableException closedFailure() {
        return new HistoryUnavailableException("history store " + backend + " is closed", RETRY_AFTER, null);
    }

    private HistoryUnavailableException failed(String what, Throwable e) {
        if (e instanceof HistoryUnavailableException h) {
            return h;
        }
        if (outage == null) {
            // Real time on purpose: this paces probes of a real backend, not event logic.
            outage = new Outage(System.nanoTime(), String.valueOf(e.getMessage()));
            log.error("history backend {} unavailable ({} failed): {}; publishes answer 503 until it is back",
                    backend, what, e.toString());
        }
        return new HistoryUnavailableException("history backend " + backend + " unavailable: " + e.getMessage(),
                RETRY_AFTER, e);
    }

    private void recovered() {
        Outage o = outage;
        if (o != null) {
            outage = null;
            log.warn("history backend {} is back after {} ms", backend,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - o.sinceNanos));
        }
    }

    // ---------------------------------------------------------------- writer

    private void writerLoop() {
        WriterTurn turn = new WriterTurn(sql, clock, metrics);
        int lastAppends = 0;
        while (true) {
            WriteQueue.Batch batch;
            try {
                batch = queue.take(DEFAULT_MAX_BATCH_EVENTS, outage != null ? RETRY_AFTER.toMillis() : 0,
                        outage != null ? 0 : COMMIT_LINGER.toNanos(), lastAppends);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch == null) {
                return;
            }
            if (batch.isEmpty()) {
                probe();
                continue;
            }
            if (outage != null && !probe()) {
                HistoryUnavailableException down = fastFailure("append");
                if (down != null) {
                    turn.failAll(batch, down);
                    metrics.marksDropped.increment(batch.marks().size());
                    continue;
                }
            }
            lastAppends = batch.appends().size();
            write(turn, batch);
        }
    }

    /**
     * Tries the backend, at most once per {@link #RETRY_AFTER}; true if it answered. Runs on the
     * writer thread. Between probes everything fails fast instead of waiting on a dead backend.
     */
    private boolean probe() {
        if (outage == null) {
            return true;
        }
        if (System.nanoTime() - lastProbeNanos < RETRY_AFTER.toNanos()) {
            return false;
        }
        try {
            probeBlocking();
            recovered();
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        } finally {
            // Counted from the end: a probe of a dead server can take the whole connection timeout.
            lastProbeNanos = System.nanoTime();
        }
    }

    private void write(WriterTurn turn, WriteQueue.Batch batch) {
        WriterTurn.Outcome outcome = null;
        for (int attempt = 1; outcome == null; attempt++) {
            Connection c = null;
            try {
                c = acquireWriter();
                outcome = turn.store(c, batch);
                c.commit();
                releaseWriter(c, false);
                recovered();
            } catch (SQLException | RuntimeException e) {
                outcome = null;
                if (c != null) {
                    rollbackQuietly(c);
                    releaseWriter(c, true);
                }
                if (attempt < MAX_ATTEMPTS && e instanceof SQLException s && sql.isRetryable(s)) {
                    // Another process stored the same id or created the same stream concurrently.
                    log.debug("history write retried after {}", e.toString());
                    continue;
                }
                turn.failAll(batch, failed("append", e));
                metrics.marksDropped.increment(batch.marks().size());
                return;
            }
        }
        outcome.publish();
        for (WriteQueue.Command cmd : batch.commands()) {
            if (cmd instanceof WriteQueue.CleanupJob job) {
                cleanupStep(turn, job);
            }
        }
    }

    private void cleanupStep(WriterTurn turn, WriteQueue.CleanupJob job) {
        Connection c = null;
        int deleted;
        try {
            c = acquireWriter();
            deleted = turn.cleanup(c, job, DEFAULT_CLEANUP_BATCH_ROWS);
            c.commit();
            releaseWriter(c, false);
        } catch (SQLException | RuntimeException e) {
            if (c != null) {
                rollbackQuietly(c);
                releaseWriter(c, true);
            }
            job.promise.fail(failed("cleanup", e));
            return;
        }
        if (deleted < DEFAULT_CLEANUP_BATCH_ROWS || !queue.offerCommand(job)) {
            job.promise.complete(new CleanupReport(job.deleted, job.removals));
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the connection is released as failed anyway
        }
    }
}
