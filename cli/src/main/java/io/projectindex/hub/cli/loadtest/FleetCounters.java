package io.projectindex.hub.cli.loadtest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe.
 * Counters the client event loops bump and the main thread reads while it waits: how many connections are
 * up, what failed and why, how many events arrived. Per-connection detail (offsets, latency) stays on the
 * loops. Keyed maps are bounded: at most {@value #MAX_REASONS} distinct reasons are kept, the rest count
 * under {@code "other"}.
 */
final class FleetCounters {
    static final int MAX_REASONS = 50;

    final AtomicInteger handshakesInFlight = new AtomicInteger();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger subscribed = new AtomicInteger();
    final AtomicInteger connectFailed = new AtomicInteger();
    final AtomicInteger subscribeFailed = new AtomicInteger();
    final LongAdder delivered = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    /** Frames that held at least one event (a lone envelope or a batch). */
    final LongAdder eventFrames = new LongAdder();
    /** gzip binary frames (protocol §6), a subset of all frames read. */
    final LongAdder binaryFrames = new LongAdder();
    final LongAdder unreadableFrames = new LongAdder();
    private final Map<String, LongAdder> connectFailures = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closeCodes = new ConcurrentHashMap<>();

    /** Only events sent at or after this {@code System.nanoTime()} enter the latency histograms. */
    volatile long measureFromNanos = Long.MAX_VALUE;
    /** Set when the tool starts closing its own connections: later closes are not failures. */
    volatile boolean closingFleet;

    void connectFailed(String reason) {
        connectFailed.incrementAndGet();
        bump(connectFailures, reason);
    }

    void errorReceived(String code) {
        bump(errorCodes, code == null ? "(no code)" : code);
    }

    /** A connection closed before the tool closed it: the server (or the network) ended it. */
    void closedEarly(int code) {
        bump(closeCodes, Integer.toString(code));
    }

    /** Connections that are up or gone, i.e. no longer waiting on a handshake or an ack. */
    int settled() {
        return subscribed.get() + connectFailed.get() + subscribeFailed.get();
    }

    Map<String, Long> connectFailures() {
        return snapshot(connectFailures);
    }

    Map<String, Long> errorCodes() {
        return snapshot(errorCodes);
    }

    Map<String, Long> closeCodes() {
        return snapshot(closeCodes);
    }

    private static void bump(Map<String, LongAdder> map, String key) {
        String k = key.length() > 120 ? key.substring(0, 120) : key;
        if (!map.containsKey(k) && map.size() >= MAX_REASONS) {
            k = "other";
        }
        map.computeIfAbsent(k, x -> new LongAdder()).increment();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> map) {
        Map<String, Long> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
