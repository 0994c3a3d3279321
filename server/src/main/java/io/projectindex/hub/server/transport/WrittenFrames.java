package io.projectindex.hub.server.transport;

import io.projectindex.hub.server.delivery.OutboundFrame;
import io.projectindex.hub.server.monitor.HubMetrics;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.time.HubClock;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What happens once a frame has been written to a client's socket, the same for every transport:
 * the frame is counted by outcome, each live event's delivery latency (accepted → written) is
 * recorded, and each event is reported written ({@code written.accept(event, replayed)}) for
 * delivery tracking. Stateless.
 */
final class WrittenFrames {
    private WrittenFrames() {
    }

    static void completed(OutboundFrame frame, boolean ok, HubMetrics metrics, HubClock clock,
                          BiConsumer<StoredEvent, Boolean> written) {
        metrics.messagesSent(ok ? "sent" : "failed").increment();
        if (!ok || frame.carried().isEmpty()) {
            return;
        }
        boolean live = frame.kind() == OutboundFrame.Kind.LIVE;
        long now = clock.millis();
        for (StoredEvent e : frame.carried()) {
            if (live) {
                metrics.deliveryDuration(e.type()).record(Math.max(0, now - e.timestamp().toEpochMilli()), TimeUnit.MILLISECONDS);
            }
            written.accept(e, !live);
        }
    }

    /** Batch sizes and compression ratios of frames about to be written. */
    static void offered(OutboundFrame frame, HubMetrics metrics) {
        if (frame.batch()) {
            metrics.batchSize().record(frame.events());
        }
        if (frame.binary()) {
            metrics.compressionRatio().record((double) frame.bytes().length / frame.jsonBytes());
        }
    }
}
