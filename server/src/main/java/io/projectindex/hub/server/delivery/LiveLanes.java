package io.projectindex.hub.server.delivery;

import io.projectindex.hub.protocol.data.AnalysisProgressData;
import io.projectindex.hub.server.stream.StoredEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The live events waiting on one connection. One FIFO lane per project keeps offset order within
 * the project; the next event is the head of the lane whose head has the highest priority, the
 * earliest offered among equals. (A high-priority event behind a low one of the same project waits
 * for it: offset order wins.) Choosing scans the lanes, which are few per connection.
 *
 * <p>Conflation: for each {@code analysis_progress} session with events waiting, the lanes know
 * the latest waiting event that may be replaced — not a milestone (25/50/75/100) and not
 * reporting new errors ({@code errors_encountered} above the session's previous event, which the
 * queue remembers for the last session it wrote; when the previous one is not known, any errors
 * count as new, so in doubt an event is kept).
 * {@link #conflate} removes it in favour of a newer event, which then joins the tail of its lane,
 * so offset order holds. Removed entries stay in their lane as tombstones until they reach the
 * head or the lane is compacted.
 *
 * <p>Not thread-safe: owned by one {@link OutboundQueue} on its connection's event loop.
 */
final class LiveLanes {
    static final byte WAITING = 0;
    static final byte SENT = 1;
    /** Removed while waiting: conflated away or withdrawn; a tombstone until compacted. */
    static final byte CONFLATED = 2;

    /** Tombstones a lane tolerates before it is rebuilt (also needs more dead than live entries). */
    private static final int COMPACT_AFTER = 32;

    /** One waiting event. */
    static final class Entry {
        final StoredEvent event;
        final byte[] frame;
        final int priority;
        final long seq;
        final long enqueuedNanos;
        Session session;
        Lane lane;
        byte state = WAITING;

        Entry(StoredEvent event, byte[] frame, long seq, long enqueuedNanos) {
            this.event = event;
            this.frame = frame;
            this.priority = event.priority().level();
            this.seq = seq;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /** Conflation state of one analysis session while it has events waiting. */
    static final class Session {
        final UUID id;
        Entry replaceable;
        long lastErrors = -1;
        int waiting;

        Session(UUID id) {
            this.id = id;
        }
    }

    private static final class Lane {
        final UUID project;
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        int dead;

        Lane(UUID project) {
            this.project = project;
        }

        /** The first waiting entry, dropping tombstones in front of it; null if none. */
        Entry head() {
            Entry e;
            while ((e = entries.peekFirst()) != null && e.state == CONFLATED) {
                entries.pollFirst();
                dead--;
            }
            return e;
        }

        void compactIfSparse() {
            if (dead >= COMPACT_AFTER && dead * 2 > entries.size()) {
                for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
                    if (it.next().state == CONFLATED) {
                        it.remove();
                    }
                }
                dead = 0;
            }
        }
    }

    private final ArrayList<Lane> lanes = new ArrayList<>(2);
    private final HashMap<UUID, Lane> byProject = new HashMap<>(4);
    private HashMap<UUID, Session> sessions;
    private Lane best;
    /** The lane of the last event added: a connection's events mostly come from one project. */
    private Lane lastLane;
    private long seq;
    private int size;
    private long bytes;

    /**
     * Appends a live event (its envelope already encoded) to its project's lane.
     *
     * @param writtenErrors {@code errors_encountered} of the session's last event written to the
     *                      client, or -1 if not known (used when none of the session's events waits)
     */
    Entry add(StoredEvent event, byte[] frame, long nowNanos, long writtenErrors) {
        Entry e = new Entry(event, frame, seq++, nowNanos);
        AnalysisProgressData progress = progress(event);
        if (progress != null) {
            track(e, progress, writtenErrors);
        }
        UUID project = event.projectId();
        Lane lane = lastLane != null && lastLane.project.equals(project) ? lastLane : byProject.get(project);
        if (lane == null) {
            lane = new Lane(project);
            byProject.put(project, lane);
            lanes.add(lane);
        }
        lastLane = lane;
        e.lane = lane;
        lane.entries.addLast(e);
        size++;
        bytes += frame.length;
        best = null;
        return e;
    }

    private void track(Entry e, AnalysisProgressData p, long writtenErrors) {
        if (sessions == null) {
            sessions = new HashMap<>(4);
        }
        Session s = sessions.get(p.sessionId());
        if (s == null) {
            s = new Session(p.sessionId());
            s.lastErrors = writtenErrors;
            sessions.put(s.id, s);
        }
        Long errors = p.errorsEncountered();
        boolean newErrors = errors != null && errors > Math.max(0, s.lastErrors);
        if (errors != null) {
            s.lastErrors = errors;
        }
        s.waiting++;
        s.replaceable = p.isMilestone() || newErrors ? null : e;
        e.session = s;
    }

    /**
     * Removes the waiting event that {@code newer} supersedes — the latest replaceable
     * {@code analysis_progress} of its session — and returns it; null when there is none.
     */
    Entry conflate(StoredEvent newer) {
        AnalysisProgressData p = sessions == null ? null : progress(newer);
        if (p == null) {
            return null;
        }
        Session s = sessions.get(p.sessionId());
        if (s == null || s.replaceable == null) {
            return null;
        }
        Entry old = s.replaceable;
        old.state = CONFLATED;
        leave(old);
        old.lane.dead++;
        old.lane.compactIfSparse();
        best = null;
        return old;
    }

    /** Removes every waiting event {@code unwanted} accepts; returns how many. */
    int withdraw(Predicate<StoredEvent> unwanted) {
        int removed = 0;
        for (Lane lane : lanes) {
            for (Entry e : lane.entries) {
                if (e.state == WAITING && unwanted.test(e.event)) {
                    e.state = CONFLATED;
                    leave(e);
                    lane.dead++;
                    removed++;
                }
            }
            lane.compactIfSparse();
        }
        best = null;
        return removed;
    }

    /** The entry {@link #poll} would return, or null when nothing waits. */
    Entry peek() {
        if (best == null) {
            best = choose();
        }
        return best == null ? null : best.head();
    }

    /** Removes and returns the next entry by priority (FIFO among equals), or null. */
    Entry poll() {
        Entry e = peek();
        if (e == null) {
            return null;
        }
        Lane lane = best;
        lane.entries.pollFirst();
        e.state = SENT;
        leave(e);
        if (lane.head() == null) {
            lanes.remove(lane);
            forget(lane);
        }
        best = null;
        return e;
    }

    private Lane choose() {
        Lane chosen = null;
        Entry chosenHead = null;
        for (int i = lanes.size() - 1; i >= 0; i--) {
            Lane lane = lanes.get(i);
            Entry h = lane.head();
            if (h == null) {
                lanes.remove(i);
                forget(lane);
                continue;
            }
            if (chosenHead == null || h.priority > chosenHead.priority
                    || (h.priority == chosenHead.priority && h.seq < chosenHead.seq)) {
                chosen = lane;
                chosenHead = h;
            }
        }
        return chosen;
    }

    /** Drops an emptied lane from the index (the caller removed it from {@link #lanes}). */
    private void forget(Lane lane) {
        byProject.remove(lane.project);
        if (lastLane == lane) {
            lastLane = null;
        }
    }

    private void leave(Entry e) {
        size--;
        bytes -= e.frame.length;
        Session s = e.session;
        if (s != null) {
            s.waiting--;
            if (s.replaceable == e) {
                s.replaceable = null;
            }
            if (s.waiting == 0) {
                sessions.remove(s.id);
            }
        }
    }

    /** Drops everything; returns how many waiting events were dropped. */
    int clear() {
        int n = size;
        lanes.clear();
        byProject.clear();
        lastLane = null;
        sessions = null;
        best = null;
        size = 0;
        bytes = 0;
        return n;
    }

    /** When the longest-waiting event was added (each lane's head is its oldest); call when not empty. */
    long oldestEnqueuedNanos() {
        boolean found = false;
        long oldest = 0;
        for (int i = 0; i < lanes.size(); i++) {
            Entry h = lanes.get(i).head();
            if (h != null && (!found || h.enqueuedNanos < oldest)) {
                oldest = h.enqueuedNanos;
                found = true;
            }
        }
        return oldest;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Waiting events (tombstones excluded). */
    int size() {
        return size;
    }

    /** Bytes of the waiting events' envelopes. */
    long bytes() {
        return bytes;
    }

    int laneCount() {
        return lanes.size();
    }

    /** Entries held in lanes, tombstones included (for tests of compaction). */
    int storedEntries() {
        int n = 0;
        for (Lane lane : lanes) {
            n += lane.entries.size();
        }
        return n;
    }

    /** Sessions with waiting progress events (conflation state held). */
    int sessionCount() {
        return sessions == null ? 0 : sessions.size();
    }

    static AnalysisProgressData progress(StoredEvent e) {
        return e.typedData() instanceof AnalysisProgressData p && p.sessionId() != null ? p : null;
    }
}
