package io.projectindex.hub.cli.loadtest;

import io.vertx.core.Context;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * One event loop of the load generator with the connections it owns and their latency histogram,
 * so receivers record without sharing anything across threads.
 *
 * <p>Confined to {@link #context}'s event loop, except the final fields.
 */
final class ClientLoop {
    final Context context;
    final Histogram latencyMicros = LatencySummary.newHistogram();
    final List<LoadConnection> connections = new ArrayList<>();

    ClientLoop(Context context) {
        this.context = context;
    }
}
