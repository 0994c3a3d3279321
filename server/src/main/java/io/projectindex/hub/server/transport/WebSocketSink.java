package io.projectindex.hub.server.transport;

import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.delivery.OutboundFrame;
import io.projectindex.hub.server.delivery.OutboundQueue;
import io.projectindex.hub.server.stream.StoredEvent;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;

import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Confined to the connection's event loop. Writes a connection's {@link OutboundQueue} frames to
 * its WebSocket — the shared envelope bytes wrapped, never copied ({@link Frames}) — and turns
 * Vert.x's drain handler and timers into the queue's signals.
 */
final class WebSocketSink implements OutboundQueue.Sink {
    private final ServerWebSocket ws;
    private final Context context;
    private final HubServices services;
    private final BooleanSupplier closing;
    private final BiConsumer<StoredEvent, Boolean> written;
    private final Consumer<String> slowConsumer;
    private OutboundQueue queue;

    /**
     * @param closing      true once the connection is closing (nothing more is written)
     * @param written      told of each event written (for delivery tracking), with whether it was replayed
     * @param slowConsumer told once when the queue overflowed (the connection closes with 4008)
     */
    WebSocketSink(ServerWebSocket ws, Context context, HubServices services, BooleanSupplier closing,
                  BiConsumer<StoredEvent, Boolean> written, Consumer<String> slowConsumer) {
        this.ws = ws;
        this.context = context;
        this.services = services;
        this.closing = closing;
        this.written = written;
        this.slowConsumer = slowConsumer;
    }

    /** The queue this sink serves (created with this sink, so attached right after). */
    void attach(OutboundQueue queue) {
        this.queue = queue;
    }

    @Override
    public boolean writeQueueFull() {
        return !closing.getAsBoolean() && !ws.isClosed() && ws.writeQueueFull();
    }

    @Override
    public void requestDrain() {
        ws.drainHandler(v -> {
            ws.drainHandler(null);
            queue.onDrain();
        });
    }

    @Override
    public void requestTimer(long delayNanos) {
        long ms = Math.max(1, (delayNanos + 999_999) / 1_000_000);
        context.owner().setTimer(ms, id -> queue.onTimer());
    }

    @Override
    public void write(OutboundFrame frame) {
        if (ws.isClosed()) {
            queue.onWritten(frame, false);
            return;
        }
        WrittenFrames.offered(frame, services.metrics());
        ws.writeFrame(frame.binary() ? Frames.binary(frame.bytes()) : Frames.text(frame.bytes())).onComplete(ar -> {
            queue.onWritten(frame, ar.succeeded());
            WrittenFrames.completed(frame, ar.succeeded(), services.metrics(), services.clock(), written);
        });
    }

    @Override
    public void closeSlowConsumer(String detail) {
        slowConsumer.accept(detail);
    }
}
