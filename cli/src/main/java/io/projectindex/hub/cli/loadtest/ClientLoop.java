package io.projectindex.hub.cli.loadtest;

import io.vertx.core.Context;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * Confined to its context's event loop (the final fields excepted).
 * One event loop of the load generator with the connections it owns and their latency histogram, so
 * receivers record without sharing anything across threads.
 */
final class ClientLoop {
    final Context context;
    final Histogram latencyMicros = LatencySummary.newHistogram();
    final List<LoadConnection> connections = new ArrayList<>();

    ClientLoop(Context context) {
        this.context = context;
    }
}
