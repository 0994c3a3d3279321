package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.EventType;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.UUID;

/**
 * Not thread-safe: confined to the owning connection's event loop. The progress threshold
 * ({@code min_progress_threshold} / {@code min_progress_updates} = N) of one subscription:
 * remembers, per analysis session, the last progress event actually delivered.
 *
 * <p>An {@code analysis_progress} event is admitted when N is 0, or it is the first one seen
 * for its session, or {@code floor(p/N) > floor(last/N)} (it crosses a multiple of N since the
 * last delivered one — progress may jump, so this is not {@code p % N == 0}), or p is 100, or
 * its {@code errors_encountered} is higher than the highest delivered for the session. An
 * absent {@code errors_encountered} never counts as new errors. A progress event without a
 * percentage is never admitted while N &gt; 0 (it cannot be placed). Other types are always
 * admitted.
 *
 * <p>{@link #admits} only reads; {@link #delivered} records, and is called only for an event
 * that was really delivered, so a dropped event never moves the reference point. Memory is
 * bounded: at most {@code maxSessions} sessions are remembered, the least recently delivered
 * forgotten first (its next event then counts as the first seen, so it is delivered).
 */
public final class ProgressGate {
    /** Sessions remembered per gate: 2048. */
    public static final int DEFAULT_MAX_SESSIONS = 2048;

    private final int maxSessions;
    /** Insertion order = delivery order: re-recording moves a session to the end. */
    private LinkedHashMap<UUID, Last> sessions;

    public ProgressGate() {
        this(DEFAULT_MAX_SESSIONS);
    }

    public ProgressGate(int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be >= 1, was " + maxSessions);
        }
        this.maxSessions = maxSessions;
    }

    /** True when the event may be delivered under step {@code stepPercent} (0 = off). */
    public boolean admits(EventFacts f, int stepPercent) {
        return admits(f, stepPercent, 0);
    }

    /**
     * True when the event may be delivered under two steps at once (each 0 = off), as when a
     * subscription's filters and its connection's preferences both set N: a percentage that is
     * neither the first, nor 100, nor error-bearing must cross a multiple of <em>each</em> step
     * since the last delivered one (PROTOCOL §7: both must pass).
     */
    public boolean admits(EventFacts f, int stepA, int stepB) {
        if ((stepA <= 0 && stepB <= 0) || f.type() != EventType.ANALYSIS_PROGRESS) {
            return true;
        }
        Double p = f.progress();
        if (p == null) {
            return false;
        }
        if (p >= 100) {
            return true;
        }
        Last last = sessions == null ? null : sessions.get(f.sessionId());
        if (last == null) {
            return true;
        }
        if (crosses(p, last.percent, stepA) && crosses(p, last.percent, stepB)) {
            return true;
        }
        return f.errorCount() > Math.max(last.errors, 0);
    }

    private static boolean crosses(double p, double last, int step) {
        return step <= 0 || Math.floor(p / step) > Math.floor(last / step);
    }

    /** Records a delivered event as its session's reference point; other types are ignored. */
    public void delivered(EventFacts f) {
        if (f.type() != EventType.ANALYSIS_PROGRESS || f.progress() == null) {
            return;
        }
        if (sessions == null) {
            sessions = new LinkedHashMap<>();
        }
        Last last = sessions.remove(f.sessionId());
        if (last == null) {
            last = new Last();
        }
        last.percent = f.progress();
        last.errors = Math.max(last.errors, f.errorCount());
        sessions.put(f.sessionId(), last);
        if (sessions.size() > maxSessions) {
            Iterator<UUID> eldest = sessions.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /** Sessions currently remembered. */
    public int trackedSessions() {
        return sessions == null ? 0 : sessions.size();
    }

    /** Mutable per-session reference point; touched only by the owning gate. */
    private static final class Last {
        double percent;
        long errors = -1;
    }
}
