package io.projectindex.hub.server.stream.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of a durable history store, registered once (tag {@code backend} only). Thread-safe.
 */
final class HistoryMetrics {
    private static final String PREFIX = "project_index_websocket_history_";

    final Counter corruptedEvents;
    final Counter marksDropped;
    final Counter appendsRejected;
    final DistributionSummary commitEvents;

    HistoryMetrics(MeterRegistry registry, String backend) {
        corruptedEvents = Counter.builder(PREFIX + "corrupted_events")
                .description("Stored events skipped on read because their checksum did not match their data")
                .tag("backend", backend).register(registry);
        marksDropped = Counter.builder(PREFIX + "delivery_marks_dropped")
                .description("Delivery marks dropped because the history writer queue was full or the backend down")
                .tag("backend", backend).register(registry);
        appendsRejected = Counter.builder(PREFIX + "appends_rejected")
                .description("Appends refused with 503 because the writer queue was full or the backend down")
                .tag("backend", backend).register(registry);
        commitEvents = DistributionSummary.builder(PREFIX + "commit_events")
                .description("Events stored per group commit").tag("backend", backend).register(registry);
    }
}
