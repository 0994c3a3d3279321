package io.projectindex.hub.cli.loadtest;

import org.HdrHistogram.Histogram;

/**
 * Not thread-safe: filled on one client loop, then merged on the main thread.
 * The per-connection delivery books of a run, summed: what arrived, what is missing against what
 * was accepted for each connection's project, and the latency histogram.
 */
final class Books {
    long delivered;
    long missing;
    long gaps;
    long duplicates;
    int incomplete;
    final Histogram latencyMicros = LatencySummary.newHistogram();

    /** The books of one loop's connections; {@code acceptedByProject[p]} = events accepted for project p. */
    static Books of(ClientLoop loop, long[] acceptedByProject) {
        Books books = new Books();
        for (LoadConnection c : loop.connections) {
            OffsetTracker o = c.offsets();
            books.delivered += o.received();
            books.gaps += o.gaps();
            books.duplicates += o.duplicatesOrOutOfOrder();
            if (c.subscribed()) {
                long missing = o.missing(acceptedByProject[c.project()]);
                books.missing += missing;
                if (missing > 0 || o.duplicatesOrOutOfOrder() > 0) {
                    books.incomplete++;
                }
            }
        }
        books.latencyMicros.add(loop.latencyMicros);
        return books;
    }

    void add(Books other) {
        delivered += other.delivered;
        missing += other.missing;
        gaps += other.gaps;
        duplicates += other.duplicates;
        incomplete += other.incomplete;
        latencyMicros.add(other.latencyMicros);
    }
}
