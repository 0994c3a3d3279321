package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.hub.StreamReset;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.time.HubClock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Puts what a node receives from the fan-out channels back into one gap-free, duplicate-free
 * sequence per project before its hub sees it. Not thread-safe: confined to the fan-out
 * receiver's event loop.
 *
 * <p>Design note. Not thread-safe: confined to the receiver's event loop; pure logic on an
 * injected clock. Per project it remembers the epoch and the last offset handed to the hub. The
 * next offset is handed on (consecutive ones in one batch, see {@link #flush}); an older one is a
 * duplicate and dropped; a later one means messages were lost (a dropped connection, a restart),
 * so it waits in a bounded buffer while the gap is filled from history ({@link Output#fill}, answered
 * by {@link #onFilled}). A gap history no longer holds, and a new epoch, are reported to the
 * project's subscribers ({@link Output#reset}) — never a silent hole. Positions learnt elsewhere
 * ({@link #onPosition}: what a subscribe read, periodic checks, the resync after a reconnect) start
 * a project's sequence, or reveal a lost tail: a position ahead of what arrived is filled once it
 * has stayed ahead for the grace period (messages in flight arrive within it).
 */
final class Sequencer {
    /** Projects remembered at most (1,000,000; about 150 bytes each); the least recently active idle one goes first. */
    static final int DEFAULT_MAX_PROJECTS = 1_000_000;
    /** Events buffered per project behind a gap at most (10,000); beyond, they are dropped and filled from history. */
    static final int DEFAULT_MAX_BUFFERED = 10_000;
    /** How long a known position may run ahead of the events received before it is filled (1 s). */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);
    /** Offsets per project whose event ids are remembered, to tell a duplicate from a reused offset (4). */
    static final int RECENT = 4;

    /** Where the sequencer's decisions go. Called on the sequencer's thread. */
    interface Output {
        /** Events for the hub: per project in offset order, each once. */
        void deliver(List<StoredEvent> events);

        /** A hole or an epoch change, for the project's subscribers; ordered with the deliveries. */
        void reset(StreamReset reset);

        /** Read offsets {@code after+1..through} of the project's epoch from history; answer with {@link #onFilled}. */
        void fill(UUID project, String epoch, long after, long through, long generation);

        /**
         * An offset this node already delivered arrived again as another event: Redis lost writes
         * and handed their offsets out again. The stream must be moved past {@code delivered}
         * (answered like a position check, {@link #onPosition}).
         */
        void forked(UUID project, StreamPosition delivered);
    }

    /** Where a position came from. */
    enum Source {
        /** A subscribe read it: the project starts here if unknown. */
        SUBSCRIBE,
        /** A check of Redis (periodic, or after a reconnect): only known projects are compared. */
        CHECK
    }

    /** Counters for monitoring and tests: written by the sequencer's thread only, readable from any. */
    static final class Counts {
        volatile long delivered;
        volatile long duplicates;
        volatile long gaps;
        volatile long filled;
        volatile long lost;
        volatile long epochChanges;
        volatile long overflows;
        volatile long forks;
    }

    private static final class Stream {
        final UUID project;
        String epoch;
        long last;
        /** The first offset seen without knowing what came before (0: the start is known). */
        long blindFrom;
        final TreeMap<Long, StoredEvent> buffer = new TreeMap<>();
        /** Offsets up to here are wanted (a dropped buffer, a known position ahead). */
        long target;
        long aheadSinceNanos;
        boolean filling;
        long generation;
        long retryAtNanos;
        long activeNanos;
        /** Id hashes of the last {@link #RECENT} offsets handed on, at offset % RECENT (0: unknown). */
        final long[] recent = new long[RECENT];
        /** Callbacks waiting for an offset to be handed on, by that offset (see {@link #awaitOffset}). */
        TreeMap<Long, List<Runnable>> waiters;

        void release(boolean all) {
            while (waiters != null && !waiters.isEmpty() && (all || waiters.firstKey() <= last)) {
                waiters.pollFirstEntry().getValue().forEach(Runnable::run);
            }
        }

        Stream(UUID project, String epoch, long last) {
            this.project = project;
            this.epoch = epoch;
            this.last = last;
            this.target = last;
        }

        boolean idle() {
            return !filling && buffer.isEmpty() && target <= last;
        }
    }

    private final Output output;
    private final HubClock clock;
    private final int maxProjects;
    private final int maxBuffered;
    private final long graceNanos;
    private final LinkedHashMap<UUID, Stream> streams = new LinkedHashMap<>(1024, 0.75f, true);
    /** Streams with a gap not being filled right now (waiting for the grace period or a retry). */
    private final Set<Stream> attention = new LinkedHashSet<>();
    private final List<StoredEvent> pending = new ArrayList<>();
    private final Counts counts = new Counts();

    Sequencer(Output output, HubClock clock) {
        this(output, clock, DEFAULT_MAX_PROJECTS, DEFAULT_MAX_BUFFERED, DEFAULT_GRACE);
    }

    Sequencer(Output output, HubClock clock, int maxProjects, int maxBuffered, Duration grace) {
        this.output = output;
        this.clock = clock;
        this.maxProjects = maxProjects;
        this.maxBuffered = maxBuffered;
        this.graceNanos = grace.toNanos();
    }

    Counts counts() {
        return counts;
    }

    int projects() {
        return streams.size();
    }

    /** One event from a fan-out channel. */
    void onMessage(StoredEvent e) {
        Stream s = streams.get(e.projectId());
        if (s == null) {
            s = add(e.projectId(), e.epoch(), e.offset() - 1);
            s.blindFrom = e.offset();
        }
        s.activeNanos = clock.nanoTime();
        if (!e.epoch().equals(s.epoch)) {
            newEpoch(s, e.epoch(), e.offset() - 1);
        }
        if (e.offset() <= s.last) {
            long seen = s.last - e.offset() < RECENT ? s.recent[(int) (e.offset() % RECENT)] : 0;
            if (seen != 0 && seen != idHash(e)) {
                counts.forks++;
                reset(null);
                output.forked(s.project, new StreamPosition(s.epoch, s.last));
            } else {
                counts.duplicates++;
            }
            return;
        }
        if (s.filling || e.offset() > s.last + 1) {
            hold(s, e);
            return;
        }
        handOn(s, e);
        if (s.target <= s.last) {
            attention.remove(s);
        }
    }

    /**
     * A position of the project's stream learnt outside the channel. From a subscribe it starts
     * an unknown project; a position ahead of what arrived is filled after the grace period; a
     * new epoch is reported at once.
     */
    void onPosition(UUID project, StreamPosition head, Source source) {
        Stream s = streams.get(project);
        if (s == null) {
            if (source == Source.SUBSCRIBE) {
                add(project, head.epoch(), head.offset());
            }
            return;
        }
        if (!head.epoch().equals(s.epoch)) {
            newEpoch(s, head.epoch(), head.offset());
            return;
        }
        if (head.offset() > s.last) {
            if (head.offset() > s.target) {
                s.target = head.offset();
            }
            if (s.aheadSinceNanos == 0) {
                s.aheadSinceNanos = clock.nanoTime();
            }
            attention.add(s);
        } else if (s.blindFrom > 0 && head.offset() + 1 < s.blindFrom) {
            // This node began the project at blindFrom without knowing what came before, and a
            // subscriber is positioned before that: what lies between never reached this node.
            long before = s.blindFrom - 1;
            s.blindFrom = 0;
            counts.lost++;
            reset(new StreamReset(project, StreamReset.HISTORY_EXPIRED, new StreamPosition(s.epoch, before)));
        }
    }

    /**
     * Runs {@code reached} once the project's offset {@code offset} (of the epoch the sequencer
     * follows) has been handed on — at once if it already was, if the project is unknown, or if
     * the stream moves on without it (lost, new epoch). A subscribe waits for it, so that events up
     * to the position it read reach it while it holds live events, not after (which would be a
     * duplicate of what it read from history). Pending deliveries are handed on first.
     */
    void awaitOffset(UUID project, long offset, Runnable reached) {
        Stream s = streams.get(project);
        if (s == null || offset <= s.last) {
            flush();
            reached.run();
            return;
        }
        if (s.waiters == null) {
            s.waiters = new TreeMap<>();
        }
        s.waiters.computeIfAbsent(offset, k -> new ArrayList<>(1)).add(reached);
    }

    /**
     * The answer to a fill: the events history holds in the asked range, in order, complete
     * through {@code completeThrough} (the asked end, or less when the answer is one page of a
     * longer range): an offset up to it that is not among the events is lost. A stale answer (of a
     * superseded fill) is ignored.
     */
    void onFilled(UUID project, long generation, List<StoredEvent> events, long completeThrough) {
        Stream s = streams.get(project);
        if (s == null || !s.filling || s.generation != generation) {
            return;
        }
        s.filling = false;
        for (StoredEvent e : events) {
            if (!e.epoch().equals(s.epoch) || e.offset() <= s.last) {
                continue;
            }
            if (e.offset() > s.last + 1) {
                lose(s, e.offset() - 1);
            }
            counts.filled++;
            handOn(s, e);
        }
        if (s.last < completeThrough) {
            lose(s, completeThrough);
        }
        drain(s);
        continueFilling(s);
    }

    /** A fill could not be done (history unavailable): tried again after the grace period. */
    void onFillFailed(UUID project, long generation) {
        Stream s = streams.get(project);
        if (s == null || !s.filling || s.generation != generation) {
            return;
        }
        s.filling = false;
        s.retryAtNanos = clock.nanoTime() + graceNanos;
        attention.add(s);
    }

    /** Starts the fills that are due (grace over, retry time reached). */
    void tick() {
        long now = clock.nanoTime();
        for (Iterator<Stream> it = attention.iterator(); it.hasNext(); ) {
            Stream s = it.next();
            if (s.filling) {
                it.remove();
                continue;
            }
            boolean behind = s.target > s.last || !s.buffer.isEmpty();
            if (!behind) {
                s.aheadSinceNanos = 0;
                it.remove();
                continue;
            }
            boolean graceOver = s.aheadSinceNanos != 0 && now - s.aheadSinceNanos >= graceNanos;
            boolean retryDue = s.retryAtNanos != 0 && now >= s.retryAtNanos;
            if (graceOver || retryDue) {
                it.remove();
                s.retryAtNanos = 0;
                s.aheadSinceNanos = 0;
                startFill(s);
            }
        }
    }

    /** Hands the events decided so far to the hub, as one batch, then releases the waiters they satisfy. */
    void flush() {
        if (!pending.isEmpty()) {
            List<StoredEvent> batch = new ArrayList<>(pending);
            pending.clear();
            output.deliver(batch);
            UUID last = null;
            for (StoredEvent e : batch) {
                if (!e.projectId().equals(last)) {
                    last = e.projectId();
                    Stream s = streams.get(last);
                    if (s != null) {
                        s.release(false);
                    }
                }
            }
        }
    }

    /** Projects active since {@code sinceNanos}, most recent first, at most {@code limit}, with their positions. */
    Map<UUID, StreamPosition> activeSince(long sinceNanos, int limit) {
        Map<UUID, StreamPosition> out = new LinkedHashMap<>();
        List<Stream> all = new ArrayList<>(streams.values());
        for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
            Stream s = all.get(i);
            if (s.activeNanos - sinceNanos >= 0) {
                out.put(s.project, new StreamPosition(s.epoch, s.last));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- internals

    private Stream add(UUID project, String epoch, long last) {
        Stream s = new Stream(project, epoch, last);
        s.activeNanos = clock.nanoTime();
        streams.put(project, s);
        if (streams.size() > maxProjects) {
            for (Iterator<Stream> it = streams.values().iterator(); it.hasNext(); ) {
                Stream old = it.next();
                if (old != s && old.idle() && (old.waiters == null || old.waiters.isEmpty())) {
                    it.remove();
                    attention.remove(old);
                    break;
                }
            }
        }
        return s;
    }

    private void handOn(Stream s, StoredEvent e) {
        s.last = e.offset();
        s.recent[(int) (e.offset() % RECENT)] = idHash(e);
        if (s.target < s.last) {
            s.target = s.last;
        }
        pending.add(e);
        counts.delivered++;
    }

    private void hold(Stream s, StoredEvent e) {
        if (s.buffer.size() >= maxBuffered) {
            // Too much behind one gap: keep nothing, remember how far to fill.
            counts.overflows++;
            s.target = Math.max(s.target, Math.max(e.offset(), s.buffer.lastKey()));
            s.buffer.clear();
        } else {
            s.buffer.put(e.offset(), e);
        }
        if (!s.filling) {
            counts.gaps++;
            startFill(s);
        }
    }

    private void startFill(Stream s) {
        long through = s.buffer.isEmpty() ? s.target : s.buffer.firstKey() - 1;
        if (through <= s.last) {
            drain(s);
            return;
        }
        s.filling = true;
        s.generation++;
        attention.remove(s);
        flush();
        output.fill(s.project, s.epoch, s.last, through, s.generation);
    }

    /** Hands on buffered events that now follow without a gap. */
    private void drain(Stream s) {
        while (!s.buffer.isEmpty()) {
            Map.Entry<Long, StoredEvent> first = s.buffer.firstEntry();
            if (first.getKey() <= s.last) {
                s.buffer.pollFirstEntry();
            } else if (first.getKey() == s.last + 1) {
                s.buffer.pollFirstEntry();
                handOn(s, first.getValue());
            } else {
                return;
            }
        }
    }

    private void continueFilling(Stream s) {
        if (!s.buffer.isEmpty() || s.target > s.last) {
            startFill(s);
        }
    }

    /** Offsets up to {@code through} are lost: subscribers are told, and the stream continues after it. */
    private void lose(Stream s, long through) {
        counts.lost++;
        java.util.Arrays.fill(s.recent, 0);
        s.last = through;
        if (s.target < through) {
            s.target = through;
        }
        reset(new StreamReset(s.project, StreamReset.HISTORY_EXPIRED, new StreamPosition(s.epoch, through)));
        s.release(false);
    }

    private void newEpoch(Stream s, String epoch, long before) {
        counts.epochChanges++;
        java.util.Arrays.fill(s.recent, 0);
        s.epoch = epoch;
        s.last = before;
        s.target = before;
        s.blindFrom = 0;
        s.buffer.clear();
        s.filling = false;
        s.generation++;
        s.aheadSinceNanos = 0;
        s.retryAtNanos = 0;
        attention.remove(s);
        reset(new StreamReset(s.project, StreamReset.EPOCH_CHANGED, new StreamPosition(epoch, before)));
        s.release(true);
    }

    /** Hands on what is pending, then reports {@code r} (none: only flushes). */
    private void reset(StreamReset r) {
        flush();
        if (r != null) {
            output.reset(r);
        }
    }

    private static long idHash(StoredEvent e) {
        long h = e.id().getMostSignificantBits() ^ e.id().getLeastSignificantBits();
        return h == 0 ? 1 : h;
    }
}
