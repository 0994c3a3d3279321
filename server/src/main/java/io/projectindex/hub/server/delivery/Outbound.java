package io.projectindex.hub.server.delivery;

import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.time.HubClock;

import java.util.ArrayDeque;

/**
 * The outbound path of one connection: control frames (acks, errors) and events in one ordered
 * queue, written while the socket accepts writes and resumed by its drain signal. Live events
 * are bounded by count and bytes; when either bound would be exceeded the connection is declared
 * a slow consumer ({@link Sink#overflow}) and the client resumes from its last offset. Replay
 * traffic is paced by the client ({@code max_events}) and not counted against the live bound.
 *
 * <p>Confined to the connection's event loop. Nothing is allocated for an idle connection.
 */
public final class Outbound {

    /** The socket side, implemented by the transport. Called on the connection's loop only. */
    public interface Sink {
        boolean writeQueueFull();

        /** Runs {@code onDrain} once, on the loop, when the socket can take writes again. */
        void onDrain(Runnable onDrain);

        /** Writes one frame; reports completion through {@link Outbound#written}. */
        void write(byte[] frame, boolean binary, boolean event, long enqueuedNanos);

        /** The live queue overflowed; close as a slow consumer (4008). */
        void overflow(String detail);
    }

    private static final byte CONTROL = 0;
    private static final byte LIVE = 1;
    private static final byte REPLAY = 2;

    private static final class Item {
        final byte kind;
        final byte[] frame;
        final long enqueuedNanos;

        Item(byte kind, byte[] frame, long enqueuedNanos) {
            this.kind = kind;
            this.frame = frame;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    private final Sink sink;
    private final HubClock clock;
    private final int maxLiveEvents;
    private final long maxLiveBytes;
    private ArrayDeque<Item> queue;
    private int liveEvents;
    private long liveBytes;
    private boolean drainPending;
    private boolean closed;

    private long eventsSent;
    private long replaySent;
    private long controlSent;
    private long bytesSent;
    private long writesFailed;
    private double latencyEmaMillis;

    public Outbound(Sink sink, HubClock clock, int maxLiveEvents, long maxLiveBytes) {
        this.sink = sink;
        this.clock = clock;
        this.maxLiveEvents = maxLiveEvents;
        this.maxLiveBytes = maxLiveBytes;
    }

    public void offerControl(byte[] json) {
        offer(CONTROL, json);
    }

    public void offerEvent(StoredEvent event, boolean replay) {
        byte[] frame = event.frame(replay);
        if (!replay && !closed && (liveEvents + 1 > maxLiveEvents || liveBytes + frame.length > maxLiveBytes)
                && !(queue == null || queue.isEmpty())) {
            closed = true;
            String detail = "outbound queue full: " + liveEvents + " events, " + liveBytes + " bytes waiting (limits "
                    + maxLiveEvents + " events, " + maxLiveBytes + " bytes)";
            clear();
            sink.overflow(detail);
            return;
        }
        offer(replay ? REPLAY : LIVE, frame);
    }

    private void offer(byte kind, byte[] frame) {
        if (closed) {
            return;
        }
        long now = clock.nanoTime();
        if ((queue == null || queue.isEmpty()) && !sink.writeQueueFull()) {
            send(kind, frame, now);
            return;
        }
        if (queue == null) {
            queue = new ArrayDeque<>();
        }
        queue.add(new Item(kind, frame, now));
        if (kind == LIVE) {
            liveEvents++;
            liveBytes += frame.length;
        }
        awaitDrain();
    }

    /** Writes queued frames while the socket accepts them. */
    public void flush() {
        drainPending = false;
        while (!closed && queue != null && !queue.isEmpty()) {
            if (sink.writeQueueFull()) {
                awaitDrain();
                return;
            }
            Item item = queue.poll();
            if (item.kind == LIVE) {
                liveEvents--;
                liveBytes -= item.frame.length;
            }
            send(item.kind, item.frame, item.enqueuedNanos);
        }
    }

    private void awaitDrain() {
        if (!drainPending) {
            drainPending = true;
            sink.onDrain(this::flush);
        }
    }

    private void send(byte kind, byte[] frame, long enqueuedNanos) {
        switch (kind) {
            case LIVE -> eventsSent++;
            case REPLAY -> replaySent++;
            default -> controlSent++;
        }
        bytesSent += frame.length;
        sink.write(frame, false, kind != CONTROL, enqueuedNanos);
    }

    /** Called by the sink when an event write completed (or failed). */
    public void written(boolean ok, long enqueuedNanos) {
        if (!ok) {
            writesFailed++;
            return;
        }
        double ms = (clock.nanoTime() - enqueuedNanos) / 1_000_000.0;
        latencyEmaMillis = latencyEmaMillis == 0 ? ms : 0.8 * latencyEmaMillis + 0.2 * ms;
    }

    /** Stops all writing and drops what is queued (the connection is closing). */
    public void close() {
        closed = true;
        clear();
    }

    private void clear() {
        if (queue != null) {
            queue.clear();
        }
        liveEvents = 0;
        liveBytes = 0;
    }

    public int queuedFrames() {
        return queue == null ? 0 : queue.size();
    }

    public int queuedLiveEvents() {
        return liveEvents;
    }

    public long queuedLiveBytes() {
        return liveBytes;
    }

    public long eventsSent() {
        return eventsSent;
    }

    public long replaySent() {
        return replaySent;
    }

    public long controlSent() {
        return controlSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long writesFailed() {
        return writesFailed;
    }

    public double averageLatencyMillis() {
        return latencyEmaMillis;
    }
}
