package io.projectindex.hub.server.delivery;

import io.projectindex.hub.protocol.EventCodec;
import io.projectindex.hub.protocol.data.AnalysisProgressData;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.time.HubClock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The outbound path of one connection: replies, replayed events and live events, written to the
 * socket through a {@link Sink} under backpressure, the live token bucket, batching and gzip.
 *
 * <p>Design note.
 * <ul>
 * <li><b>Two tiers.</b> Replies (control frames) and replayed events wait in one FIFO in the order
 *   offered, so {@code replay_complete} follows its events and a resume's events follow its ack;
 *   they are not metered by the bucket. Live events wait in {@link LiveLanes}: per project in offset
 *   order, across projects by priority, one token each. The FIFO is written first: a reply never
 *   waits behind rate-limited live traffic, and the replayed events of a resume precede the live
 *   events the connection offers after them.</li>
 * <li><b>Smart flushing.</b> An event that finds the connection idle — nothing waiting, socket
 *   writable, a token, and (with {@code batch=true}) no event frame in the last batch time — is
 *   written at once. Otherwise it waits: for the socket's drain, for a token, or (batch mode) for
 *   the batch window, which closes one batch time after the previous event frame or after the
 *   oldest waiting event began to wait, whichever comes first. A full batch (batch size, or batch max bytes of JSON) goes at
 *   once. Waiting events leave as batch frames (batch mode; a lone event as its own envelope, an
 *   event over the byte limit alone) or one frame each. Timers and drain callbacks are requested
 *   from the sink; nothing polls, blocks or sleeps.</li>
 * <li><b>Bounds.</b> Waiting live events are bounded per connection (events and bytes) and per node
 *   ({@link QueueBudget}); replies and replayed events per connection by bytes (replay is paged by
 *   the client, so it is kept out of the node budget). When an offer would exceed a bound
 *   the queue drops what it holds, closes, and asks the sink once to close the connection as a slow
 *   consumer (4008); the client resumes from its last offset. Nothing is dropped silently: the only
 *   other removal is conflation, while the bucket is empty, of a waiting {@code analysis_progress}
 *   by a newer one of its session (milestones and new errors are kept), and the withdrawal of
 *   waiting events the client has just unsubscribed from; both are counted.</li>
 * <li><b>Rate-limit violations</b> are counted per episode: from the first live event that finds the
 *   bucket empty until the live lanes are empty again.</li>
 * <li><b>Event form.</b> Events are sent as the connection's {@link EventView} shows them (full, or
 *   redacted for clients without the admin scope); each form's envelope, replay envelope and gzip
 *   are cached on the event, so batches are built from shared bytes and nothing is encoded per
 *   connection except the batch frame itself.</li>
 * </ul>
 *
 * <p>Confined to the connection's event loop: every method, and every call into the sink.
 */
public final class OutboundQueue {

    /** The socket side, implemented by the connection. Called on the connection's loop only. */
    public interface Sink {
        /** True while the socket's write queue is over its high-water mark. */
        boolean writeQueueFull();

        /** Call {@link OutboundQueue#onDrain()} once when the socket takes writes again. */
        void requestDrain();

        /** Call {@link OutboundQueue#onTimer()} once, no sooner than {@code delayNanos} from now. */
        void requestTimer(long delayNanos);

        /** Write the frame; report how it ended through {@link OutboundQueue#onWritten}. */
        void write(OutboundFrame frame);

        /** A bound was exceeded: close with 4008. Called once; the queue is already closed. */
        void closeSlowConsumer(String detail);
    }

    /** What became of an offered frame or event. */
    public enum Offer {
        /** Handed to the socket during the call. */
        SENT,
        /** Waiting for the socket, the batch window or (already throttled) a token. */
        QUEUED,
        /** Waiting for a token; a rate-limit violation began with this event. */
        RATE_LIMITED,
        /** Waiting for a token; it replaced an older waiting progress event of its session. */
        CONFLATED,
        /** A bound was exceeded: the queue closed and asked for close 4008. */
        OVERFLOW,
        /** The queue was already closed; nothing was done. */
        CLOSED
    }

    /** A reply ({@code replayed == null}) or a replayed event, waiting in offer order. */
    private static final class Direct {
        final byte[] json;
        final StoredEvent replayed;
        final long enqueuedNanos;
        boolean written;

        Direct(byte[] json, StoredEvent replayed, long enqueuedNanos) {
            this.json = json;
            this.replayed = replayed;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    private final Sink sink;
    private final HubClock clock;
    private final DeliveryPolicy policy;
    /** The form events are sent in; starts as the policy's, changed by {@link #view(EventView)}. */
    private EventView view;
    private final QueueBudget budget;
    private final TokenBucket bucket;
    private final Compression compression;
    private final ConnectionHealth health;
    private final DeliveryStats stats = new DeliveryStats();

    private ArrayDeque<Direct> direct;
    private long directBytes;
    private int directEvents;
    private LiveLanes live;

    private boolean throttled;
    private boolean eventFrameWritten;
    private long lastEventFrameNanos;
    private boolean drainRequested;
    private boolean timerPending;
    private long timerDeadlineNanos;
    private boolean flushing;
    private boolean reflush;
    private boolean closed;
    private boolean overflowed;

    /**
     * The session and errors_encountered of the last analysis_progress written (for conflation).
     * The session id is kept as two longs: a reference store into every queue of a fan-out costs
     * a GC write barrier each (measured: 10x slower fan-out to 10,000 connections).
     */
    private long lastProgressSessionHigh;
    private long lastProgressSessionLow;
    private long lastProgressErrors = -1;

    /**
     * @param openedNanos when the connection opened ({@link HubClock#nanoTime}), for its health age
     */
    public OutboundQueue(Sink sink, HubClock clock, DeliveryPolicy policy, QueueBudget budget, long openedNanos) {
        this.sink = sink;
        this.clock = clock;
        this.policy = policy;
        this.view = policy.view();
        this.budget = budget;
        this.bucket = policy.rateLimited()
                ? new TokenBucket(policy.rateLimitTokens(), policy.rateLimitRefillPerSecond(), clock) : null;
        this.compression = policy.gzip() ? new Compression(policy.compressionThreshold()) : null;
        this.health = new ConnectionHealth(openedNanos);
    }

    // ---------------------------------------------------------------- offers

    /** A reply (ack, error, pong, welcome, notice): always text, never metered, in offer order. */
    public Offer offerControl(byte[] json) {
        if (closed) {
            return Offer.CLOSED;
        }
        long now = clock.nanoTime();
        if (directEmpty() && !sink.writeQueueFull()) {
            stats.controlSent++;
            write(new OutboundFrame(json, false, OutboundFrame.Kind.CONTROL, 0, json.length, now, List.of()));
            return Offer.SENT;
        }
        return enqueueDirect(new Direct(json, null, now));
    }

    /** A replayed event (replay or resume): not metered, in offer order with replies. */
    public Offer offerReplay(StoredEvent event) {
        if (closed) {
            return Offer.CLOSED;
        }
        long now = clock.nanoTime();
        byte[] json = view.of(event).frame(true);
        if (directEmpty() && !sink.writeQueueFull() && holdUntil(now, now) <= now) {
            writeEvents(OutboundFrame.Kind.REPLAY, json, compressOrNull(json), 1, now, now, List.of(event));
            return Offer.SENT;
        }
        return enqueueDirect(new Direct(json, event, now));
    }

    /** A live event: metered by the bucket, ordered by priority, per project by offset. */
    public Offer offerLive(StoredEvent event) {
        if (closed) {
            return Offer.CLOSED;
        }
        long now = clock.nanoTime();
        byte[] frame = view.of(event).frame(false);
        if (directEmpty() && liveEmpty() && holdUntil(now, now) <= now && !sink.writeQueueFull()
                && (bucket == null || bucket.tryAcquire())) {
            writeLive(event, frame, now, now);
            return Offer.SENT;
        }
        if (live == null) {
            live = new LiveLanes();
        }
        boolean replaced = false;
        if (throttled) {
            LiveLanes.Entry old = live.conflate(event);
            if (old != null) {
                budget.release(1);
                stats.conflated++;
                replaced = true;
            }
        }
        if (!live.isEmpty() && (live.size() >= policy.maxQueuedEvents()
                || live.bytes() + frame.length > policy.maxQueuedBytes())) {
            return overflow("outbound queue full");
        }
        if (!budget.tryAcquire()) {
            return overflow("node-wide outbound budget exhausted (" + budget.capacity()
                    + " events waiting across connections)");
        }
        LiveLanes.Entry entry = live.add(event, frame, now, writtenErrors(event));
        long violationsBefore = health.violations();
        if (throttled) {
            stats.rateLimitedEvents++;
        }
        flush();
        if (entry.state == LiveLanes.SENT) {
            return Offer.SENT;
        }
        if (health.violations() != violationsBefore) {
            return Offer.RATE_LIMITED;
        }
        return closed ? Offer.CLOSED : replaced ? Offer.CONFLATED : Offer.QUEUED;
    }

    /**
     * Sends events offered from now on in the form {@code next} gives (a {@code refresh} that
     * changes the client's admin scope); events already waiting keep the form they were offered in.
     */
    public void view(EventView next) {
        this.view = next;
    }

    /**
     * Removes waiting live events the client no longer wants — call it when subscriptions shrink,
     * before sending the {@code unsubscribe} ack, so no event of a removed subscription follows the
     * ack (replies never wait behind rate-limited live events). Returns how many were removed.
     */
    public int withdrawLive(Predicate<StoredEvent> unwanted) {
        if (closed || liveEmpty()) {
            return 0;
        }
        int n = live.withdraw(unwanted);
        budget.release(n);
        stats.withdrawn += n;
        return n;
    }

    private Offer enqueueDirect(Direct d) {
        if (direct == null) {
            direct = new ArrayDeque<>();
        }
        if (!direct.isEmpty() && directBytes + d.json.length > policy.maxReplayBytes()) {
            return overflow("reply and replay queue full");
        }
        direct.addLast(d);
        directBytes += d.json.length;
        if (d.replayed != null) {
            directEvents++;
        }
        flush();
        return d.written ? Offer.SENT : closed ? Offer.CLOSED : Offer.QUEUED;
    }

    // ---------------------------------------------------------------- signals from the sink

    /** The socket drained (after {@link Sink#requestDrain()}). */
    public void onDrain() {
        drainRequested = false;
        flush();
    }

    /** A timer requested through {@link Sink#requestTimer} fired. */
    public void onTimer() {
        // Cleared whatever timer this was: flushing re-requests the one still needed, so an early or
        // stale firing costs one extra flush and can never leave waiting events without a timer.
        timerPending = false;
        flush();
    }

    /** A frame handed to {@link Sink#write} completed ({@code ok}) or failed. */
    public void onWritten(OutboundFrame frame, boolean ok) {
        health.recordWrite(ok, clock.nanoTime() - frame.enqueuedNanos());
    }

    // ---------------------------------------------------------------- flushing

    /** Writes what may be written now; requests a drain or a timer for the rest. */
    public void flush() {
        if (closed) {
            return;
        }
        if (flushing) {
            reflush = true;
            return;
        }
        flushing = true;
        try {
            do {
                reflush = false;
                flushOnce();
            } while (reflush && !closed);
        } finally {
            flushing = false;
        }
    }

    private void flushOnce() {
        long now = clock.nanoTime();
        while (!closed) {
            boolean haveDirect = !directEmpty();
            boolean haveLive = !liveEmpty();
            if (!haveLive) {
                throttled = false;
            } else if (!throttled && bucket != null && bucket.available() == 0) {
                throttled = true;
                health.recordViolation();
            }
            if (!haveDirect && !haveLive) {
                return;
            }
            if (!haveDirect && policy.batch() && !liveBatchFull()) {
                // Batch mode: while the window is open nothing is written, so the socket need not be
                // asked (most offers of a fan-out end here; asking Vert.x costs two monitor entries).
                long until = holdUntil(live.oldestEnqueuedNanos(), now);
                if (until > now) {
                    requestTimer(until);
                    return;
                }
            }
            if (sink.writeQueueFull()) {
                requestDrain();
                return;
            }
            if (!(haveDirect ? writeDirect(now) : writeLive(now))) {
                return;
            }
        }
    }

    /** Writes the next reply or replayed events; false when they must wait for the batch window. */
    private boolean writeDirect(long now) {
        Direct head = direct.peekFirst();
        if (head.replayed == null) {
            pollDirect();
            stats.controlSent++;
            write(new OutboundFrame(head.json, false, OutboundFrame.Kind.CONTROL, 0, head.json.length,
                    head.enqueuedNanos, List.of()));
            return true;
        }
        if (!policy.batch()) {
            pollDirect();
            writeEvents(OutboundFrame.Kind.REPLAY, head.json, compressOrNull(head.json), 1, head.enqueuedNanos, now,
                    List.of(head.replayed));
            return true;
        }
        int n = 0;
        int jsonBytes = 0;
        boolean cut = false;
        for (Direct d : direct) {
            if (d.replayed == null || n == policy.batchSize()
                    || (n > 0 && EventCodec.batchSize(jsonBytes + d.json.length, n + 1) > policy.batchMaxBytes())) {
                cut = true; // a reply behind the run cannot wait, and a full batch need not
                break;
            }
            n++;
            jsonBytes += d.json.length;
        }
        long until = cut ? now : holdUntil(head.enqueuedNanos, now);
        if (until > now) {
            requestTimer(until);
            return false;
        }
        if (n == 1) {
            pollDirect();
            writeEvents(OutboundFrame.Kind.REPLAY, head.json, compressOrNull(head.json), 1, head.enqueuedNanos, now,
                    List.of(head.replayed));
            return true;
        }
        List<byte[]> envelopes = new ArrayList<>(n);
        List<StoredEvent> carried = new ArrayList<>(n);
        long oldest = head.enqueuedNanos;
        for (int i = 0; i < n; i++) {
            Direct d = pollDirect();
            envelopes.add(d.json);
            carried.add(d.replayed);
        }
        byte[] json = EventCodec.batch(envelopes, clock.now());
        writeEvents(OutboundFrame.Kind.REPLAY, json, compressOrNull(json), n, oldest, now, carried);
        return true;
    }

    /** Writes the next live frame; false when it must wait for a token or the batch window. */
    private boolean writeLive(long now) {
        int tokens = bucket == null ? Integer.MAX_VALUE : bucket.available();
        if (tokens == 0) {
            requestTimer(now + bucket.nanosUntilAvailable());
            return false;
        }
        if (!policy.batch()) {
            LiveLanes.Entry e = takeLive(1);
            writeLive(e.event, e.frame, e.enqueuedNanos, now);
            return true;
        }
        long until = liveBatchFull() ? now : holdUntil(live.oldestEnqueuedNanos(), now);
        if (until > now) {
            requestTimer(until);
            return false;
        }
        int max = Math.min(tokens, policy.batchSize());
        LiveLanes.Entry first = live.poll();
        List<byte[]> envelopes = null;
        List<StoredEvent> carried = null;
        int n = 1;
        int jsonBytes = first.frame.length;
        LiveLanes.Entry next;
        while (n < max && (next = live.peek()) != null
                && EventCodec.batchSize(jsonBytes + next.frame.length, n + 1) <= policy.batchMaxBytes()) {
            if (envelopes == null) {
                envelopes = new ArrayList<>(max);
                carried = new ArrayList<>(max);
                envelopes.add(first.frame);
                carried.add(first.event);
                noteWritten(first.event);
            }
            live.poll();
            noteWritten(next.event);
            envelopes.add(next.frame);
            carried.add(next.event);
            jsonBytes += next.frame.length;
            n++;
        }
        taken(n);
        if (envelopes == null) {
            writeLive(first.event, first.frame, first.enqueuedNanos, now);
        } else {
            byte[] json = EventCodec.batch(envelopes, clock.now());
            writeEvents(OutboundFrame.Kind.LIVE, json, compressOrNull(json), n, first.enqueuedNanos, now, carried);
        }
        return true;
    }

    private LiveLanes.Entry takeLive(int n) {
        LiveLanes.Entry e = live.poll();
        taken(n);
        return e;
    }

    /** Accounts for {@code n} live events leaving the lanes: their tokens and budget units. */
    private void taken(int n) {
        if (bucket != null) {
            bucket.tryAcquire(n);
        }
        budget.release(n);
    }

    private void writeLive(StoredEvent event, byte[] json, long enqueuedNanos, long now) {
        noteWritten(event);
        byte[] gz = null;
        if (compression != null) {
            StoredEvent seen = view.of(event);
            // Shared per event; a frame offered under an earlier view (before a refresh) is compressed on its own.
            gz = seen.frame(false) == json ? compression.compressedLiveFrame(seen) : compression.compressOrNull(json);
        }
        writeEvents(OutboundFrame.Kind.LIVE, json, gz, 1, enqueuedNanos, now, List.of(event));
    }

    private void writeEvents(OutboundFrame.Kind kind, byte[] json, byte[] gzOrNull, int events, long enqueuedNanos,
                             long now, List<StoredEvent> carried) {
        if (kind == OutboundFrame.Kind.LIVE) {
            stats.eventsSent += events;
        } else {
            stats.replaySent += events;
        }
        if (events > 1) {
            stats.batchesSent++;
        }
        if (gzOrNull != null) {
            stats.compressedFrames++;
            stats.compressionSavedBytes += json.length - gzOrNull.length;
        }
        eventFrameWritten = true;
        lastEventFrameNanos = now;
        write(new OutboundFrame(gzOrNull != null ? gzOrNull : json, gzOrNull != null, kind, events, json.length,
                enqueuedNanos, carried));
    }

    private void write(OutboundFrame frame) {
        stats.framesSent++;
        stats.bytesSent += frame.bytes().length;
        sink.write(frame);
    }

    private void noteWritten(StoredEvent event) {
        AnalysisProgressData p = LiveLanes.progress(event);
        if (p != null) {
            lastProgressSessionHigh = p.sessionId().getMostSignificantBits();
            lastProgressSessionLow = p.sessionId().getLeastSignificantBits();
            lastProgressErrors = p.errorsEncountered() == null ? -1 : p.errorsEncountered();
        }
    }

    private long writtenErrors(StoredEvent event) {
        AnalysisProgressData p = LiveLanes.progress(event);
        return p != null && p.sessionId().getMostSignificantBits() == lastProgressSessionHigh
                && p.sessionId().getLeastSignificantBits() == lastProgressSessionLow ? lastProgressErrors : -1;
    }

    private byte[] compressOrNull(byte[] json) {
        return compression == null ? null : compression.compressOrNull(json);
    }

    private Direct pollDirect() {
        Direct d = direct.pollFirst();
        d.written = true;
        directBytes -= d.json.length;
        if (d.replayed != null) {
            directEvents--;
        }
        return d;
    }

    private boolean liveBatchFull() {
        return live.size() >= policy.batchSize()
                || EventCodec.batchSize((int) Math.min(Integer.MAX_VALUE, live.bytes()), live.size())
                >= policy.batchMaxBytes();
    }

    /**
     * Batch mode: until when events waiting since {@code oldestNanos} coalesce — one batch time after
     * the previous event frame, and never more than one batch time after the oldest of them began to
     * wait. A result not after {@code now} means write now.
     */
    private long holdUntil(long oldestNanos, long now) {
        if (!policy.batch() || !eventFrameWritten || policy.batchTimeNanos() == 0) {
            return now;
        }
        return Math.min(lastEventFrameNanos, oldestNanos) + policy.batchTimeNanos();
    }

    private void requestDrain() {
        if (!drainRequested) {
            drainRequested = true;
            sink.requestDrain();
        }
    }

    private void requestTimer(long deadlineNanos) {
        if (timerPending && timerDeadlineNanos <= deadlineNanos) {
            return;
        }
        timerPending = true;
        timerDeadlineNanos = deadlineNanos;
        sink.requestTimer(Math.max(0, deadlineNanos - clock.nanoTime()));
    }

    private boolean directEmpty() {
        return direct == null || direct.isEmpty();
    }

    private boolean liveEmpty() {
        return live == null || live.isEmpty();
    }

    // ---------------------------------------------------------------- closing

    private Offer overflow(String what) {
        String detail = what + ": " + queuedLiveEvents() + " live events, " + queuedLiveBytes() + " bytes waiting (limits "
                + policy.maxQueuedEvents() + " events, " + policy.maxQueuedBytes() + " bytes); " + directEvents
                + " replayed events and " + (queuedFrames() - queuedLiveEvents() - directEvents) + " replies, "
                + directBytes + " bytes waiting (limit " + policy.maxReplayBytes() + " bytes); rate limited="
                + throttled + ", socket full=" + drainRequested + ", node budget " + budget.used() + "/"
                + budget.capacity();
        overflowed = true;
        close();
        sink.closeSlowConsumer(detail);
        return Offer.OVERFLOW;
    }

    /** Stops writing and drops what waits (the connection is closing). Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (live != null) {
            budget.release(live.clear());
        }
        if (direct != null) {
            direct.clear();
        }
        directBytes = 0;
        directEvents = 0;
    }

    // ---------------------------------------------------------------- state and counters

    public boolean closed() {
        return closed;
    }

    /** True when this queue closed because a bound was exceeded (4008). */
    public boolean overflowed() {
        return overflowed;
    }

    /** True while live events wait for tokens (a rate-limit violation episode). */
    public boolean rateLimited() {
        return throttled;
    }

    public int queuedFrames() {
        return (direct == null ? 0 : direct.size()) + queuedLiveEvents();
    }

    public int queuedLiveEvents() {
        return live == null ? 0 : live.size();
    }

    public long queuedLiveBytes() {
        return live == null ? 0 : live.bytes();
    }

    public int queuedReplayEvents() {
        return directEvents;
    }

    public long queuedReplayBytes() {
        return directBytes;
    }

    public DeliveryStats stats() {
        return stats;
    }

    /** Inputs of the health score: write outcomes, latency average, rate-limit violation episodes. */
    public ConnectionHealth healthInputs() {
        return health;
    }

    /** The connection's health score 0..1 now. */
    public double health() {
        return health.score(clock.nanoTime());
    }
}
