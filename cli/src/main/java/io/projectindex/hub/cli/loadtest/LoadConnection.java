package io.projectindex.hub.cli.loadtest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/**
 * Confined to its {@link ClientLoop}'s event loop.
 * One subscribed WebSocket of the fleet: subscribes to its project when welcomed, checks that project's
 * offsets arrive contiguously and exactly once, and records each event's one-way latency (receive time
 * minus the {@code lt_sent_nanos} the publisher stamped — same process, same clock).
 */
final class LoadConnection implements FrameScanner.Listener {
    private final int project;
    private final String subscribe;
    private final ClientLoop loop;
    private final FleetCounters counters;
    private final OffsetTracker offsets = new OffsetTracker(1);
    private WebSocket ws;
    private boolean subscribed;
    private boolean settled;
    private long receivedAtNanos;
    /** Whether the frame being read held an event (frames are counted per event-bearing frame). */
    private boolean frameHadEvent;
    private long errors;
    private Integer closeCode;

    LoadConnection(int project, String subscribeMessage, ClientLoop loop, FleetCounters counters) {
        this.project = project;
        this.subscribe = subscribeMessage;
        this.loop = loop;
        this.counters = counters;
    }

    void attach(WebSocket socket) {
        this.ws = socket;
        loop.connections.add(this);
        counters.connected.incrementAndGet();
        socket.textMessageHandler(this::onText);
        socket.binaryMessageHandler(this::onBinary);
        socket.exceptionHandler(t -> { });
        socket.closeHandler(v -> onClosed());
    }

    private void onText(String frame) {
        receivedAtNanos = System.nanoTime();
        frameHadEvent = false;
        try {
            FrameScanner.scanText(frame, this);
        } catch (IllegalArgumentException e) {
            counters.unreadableFrames.increment();
        }
        countFrame();
    }

    private void onBinary(Buffer frame) {
        receivedAtNanos = System.nanoTime();
        frameHadEvent = false;
        counters.binaryFrames.increment();
        try {
            FrameScanner.scanGzip(frame.getBytes(), this);
        } catch (IllegalArgumentException e) {
            counters.unreadableFrames.increment();
        }
        countFrame();
    }

    private void countFrame() {
        if (frameHadEvent) {
            counters.eventFrames.increment();
        }
    }

    @Override
    public void onEvent(long offset, long sentNanos, boolean replay) {
        frameHadEvent = true;
        if (offsets.accept(offset) == OffsetTracker.Outcome.DUPLICATE_OR_OUT_OF_ORDER) {
            counters.duplicates.increment();
            return;
        }
        counters.delivered.increment();
        if (sentNanos != 0 && sentNanos >= counters.measureFromNanos) {
            loop.latencyMicros.recordValue(LatencySummary.toMicros(receivedAtNanos - sentNanos));
        }
    }

    @Override
    public void onControl(String type, String code) {
        if ("welcome".equals(type)) {
            ws.writeTextMessage(subscribe);
        } else if ("subscription_ack".equals(type) && !subscribed) {
            subscribed = true;
            settle(true);
        } else if ("error".equals(type)) {
            errors++;
            counters.errorReceived(code);
            if (!subscribed) {
                settle(false);
            }
        }
    }

    private void onClosed() {
        Short status = ws.closeStatusCode();
        closeCode = status == null ? 1006 : (int) status;
        if (!counters.closingFleet) {
            counters.closedEarly(closeCode);
        }
        if (!settled) {
            settle(false);
        }
    }

    private void settle(boolean ok) {
        if (settled) {
            return;
        }
        settled = true;
        counters.handshakesInFlight.decrementAndGet();
        if (ok) {
            counters.subscribed.incrementAndGet();
        } else {
            counters.subscribeFailed.incrementAndGet();
        }
    }

    int project() {
        return project;
    }

    OffsetTracker offsets() {
        return offsets;
    }

    long errors() {
        return errors;
    }

    boolean subscribed() {
        return subscribed;
    }

    /** Close code seen, or null while open. */
    Integer closeCode() {
        return closeCode;
    }

    void close() {
        if (ws != null && !ws.isClosed()) {
            ws.close((short) 1000, "load test done");
        }
    }
}
