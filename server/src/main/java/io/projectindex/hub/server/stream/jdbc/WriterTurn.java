package io.projectindex.hub.server.stream.jdbc;

import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.CleanupReport;
import io.projectindex.hub.server.stream.ConflictException;
import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.stream.Epochs;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.time.HubClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One group commit of the writer: positions every new event of the batch, stores the rows and
 * advances the streams inside the caller's transaction, and (after the commit) completes the
 * appends in queue order. Confined to the writer thread.
 */
final class WriterTurn {
    private static final Logger log = LoggerFactory.getLogger(WriterTurn.class);

    private final SqlHistory sql;
    private final HubClock clock;
    private final HistoryMetrics metrics;

    WriterTurn(SqlHistory sql, HubClock clock, HistoryMetrics metrics) {
        this.sql = sql;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** What to announce once the transaction is committed. */
    static final class Outcome {
        private final List<Runnable> completions = new ArrayList<>();

        void publish() {
            for (Runnable r : completions) {
                r.run();
            }
        }
    }

    Outcome store(Connection c, WriteQueue.Batch batch) throws SQLException {
        Instant now = clock.now().truncatedTo(ChronoUnit.MILLIS);
        Set<UUID> projects = new LinkedHashSet<>();
        Set<UUID> ids = new LinkedHashSet<>();
        for (WriteQueue.PendingAppend a : batch.appends()) {
            for (NewEvent e : a.events()) {
                projects.add(e.projectId());
                ids.add(e.id());
            }
        }
        List<WriteQueue.PositionedInsert> positioned = new ArrayList<>();
        for (WriteQueue.Command cmd : batch.commands()) {
            if (cmd instanceof WriteQueue.EnsureStream en) {
                projects.add(en.projectId());
            } else if (cmd instanceof WriteQueue.PositionedInsert pi) {
                positioned.add(pi);
                for (StoredEvent e : pi.events()) {
                    projects.add(e.projectId());
                    ids.add(e.id());
                }
            }
        }
        Map<UUID, StreamRow> streams = projects.isEmpty() ? new HashMap<>() : new HashMap<>(sql.lockStreams(c, projects));
        for (WriteQueue.PositionedInsert pi : positioned) {
            for (StoredEvent e : pi.events()) {
                // A stream first written by its positioned events takes their epoch, not a new one.
                streams.computeIfAbsent(e.projectId(), k -> {
                    StreamRow row = new StreamRow(k, e.epoch(), 0, null, 0, null);
                    row.isNew = true;
                    return row;
                });
            }
        }
        for (UUID p : projects) {
            streams.computeIfAbsent(p, k -> {
                StreamRow row = new StreamRow(k, Epochs.next(), 0, null, 0, null);
                row.isNew = true;
                return row;
            });
        }
        Map<UUID, EventRow> existing = ids.isEmpty() ? Map.of() : sql.findEvents(c, ids);
        Map<UUID, StoredEvent> known = new HashMap<>();
        List<StoredEvent> inserts = new ArrayList<>();
        Outcome outcome = new Outcome();
        List<StoredEvent> positionedInserts = positionedInserts(positioned, streams, existing, known,
                takenOffsets(c, positioned), outcome);

        for (WriteQueue.PendingAppend a : batch.appends()) {
            UUID conflict = conflict(a, known, existing);
            if (conflict != null) {
                outcome.completions.add(() -> a.promise().fail(new ConflictException(conflict)));
                continue;
            }
            List<AppendResult> results = new ArrayList<>(a.events().size());
            List<StoredEvent> appended = new ArrayList<>(a.events().size());
            for (NewEvent e : a.events()) {
                StoredEvent original = original(e.id(), known, existing);
                if (original != null) {
                    results.add(new AppendResult(original, true));
                    continue;
                }
                StreamRow s = streams.get(e.projectId());
                Instant ts = s.lastTimestamp != null && now.isBefore(s.lastTimestamp) ? s.lastTimestamp : now;
                s.lastTimestamp = ts;
                s.top++;
                s.dirty = true;
                StoredEvent stored = new StoredEvent(e, ts, s.epoch, s.top);
                known.put(e.id(), stored);
                inserts.add(stored);
                appended.add(stored);
                results.add(new AppendResult(stored, false));
            }
            outcome.completions.add(() -> {
                if (!appended.isEmpty()) {
                    try {
                        a.onAppended().accept(appended);
                    } catch (RuntimeException ex) {
                        log.error("onAppended failed for {} events; they are stored", appended.size(), ex);
                    }
                }
                a.promise().complete(results);
            });
        }

        List<StreamRow> created = new ArrayList<>();
        List<StreamRow> changed = new ArrayList<>();
        for (StreamRow s : streams.values()) {
            if (s.isNew) {
                created.add(s);
            } else if (s.dirty) {
                changed.add(s);
            }
        }
        if (!created.isEmpty()) {
            sql.insertStreams(c, created);
        }
        if (!positionedInserts.isEmpty()) {
            sql.insertEvents(c, positionedInserts, true);
        }
        if (!inserts.isEmpty()) {
            sql.insertEvents(c, inserts, false);
        }
        if (!changed.isEmpty()) {
            sql.updateStreams(c, changed);
        }
        storeMarks(c, batch.marks());
        metrics.commitEvents.record(inserts.size() + positionedInserts.size());

        for (WriteQueue.Command cmd : batch.commands()) {
            if (cmd instanceof WriteQueue.EnsureStream en) {
                StreamPosition head = streams.get(en.projectId()).position();
                outcome.completions.add(() -> en.promise().complete(head));
            } else if (cmd instanceof WriteQueue.Barrier b) {
                outcome.completions.add(() -> b.promise().complete());
            }
        }
        return outcome;
    }

    /**
     * The positioned events not stored yet (by id), in order; advances their streams to the
     * highest offset and newest timestamp among them. Each command is answered after the commit
     * with how many of its events were new.
     */
    private List<StoredEvent> positionedInserts(List<WriteQueue.PositionedInsert> positioned, Map<UUID, StreamRow> streams,
                                                Map<UUID, EventRow> existing, Map<UUID, StoredEvent> known,
                                                Map<UUID, Set<Long>> taken, Outcome outcome) {
        List<StoredEvent> out = new ArrayList<>();
        for (WriteQueue.PositionedInsert pi : positioned) {
            int fresh = 0;
            List<StoredEvent> displaced = new ArrayList<>();
            for (StoredEvent e : pi.events()) {
                if (existing.containsKey(e.id()) || known.containsKey(e.id())) {
                    continue;
                }
                if (!taken.computeIfAbsent(e.projectId(), k -> new java.util.HashSet<>()).add(e.offset())) {
                    // Another event holds this position: positions were handed out twice (Redis lost
                    // writes that never reached this store). The first one stays.
                    log.error("event {} not stored: project {} offset {} already holds another event", e.id(),
                            e.projectId(), e.offset());
                    displaced.add(e);
                    continue;
                }
                StreamRow s = streams.get(e.projectId());
                if (!s.epoch.equals(e.epoch())) {
                    log.warn("event {} of project {} is in epoch {} but the durable stream is in epoch {}; stored as given",
                            e.id(), e.projectId(), e.epoch(), s.epoch);
                }
                if (e.offset() > s.top) {
                    s.top = e.offset();
                    s.dirty = true;
                }
                if (s.lastTimestamp == null || e.timestamp().isAfter(s.lastTimestamp)) {
                    s.lastTimestamp = e.timestamp();
                    s.dirty = true;
                }
                known.put(e.id(), e);
                out.add(e);
                fresh++;
            }
            DurableHistoryStore.Inserted inserted = new DurableHistoryStore.Inserted(fresh, displaced);
            outcome.completions.add(() -> pi.promise().complete(inserted));
        }
        return out;
    }

    /** Offsets already stored in the ranges the positioned events cover, per project. */
    private Map<UUID, Set<Long>> takenOffsets(Connection c, List<WriteQueue.PositionedInsert> positioned) throws SQLException {
        Map<UUID, long[]> ranges = new HashMap<>();
        for (WriteQueue.PositionedInsert pi : positioned) {
            for (StoredEvent e : pi.events()) {
                long[] r = ranges.computeIfAbsent(e.projectId(), k -> new long[]{Long.MAX_VALUE, Long.MIN_VALUE});
                r[0] = Math.min(r[0], e.offset());
                r[1] = Math.max(r[1], e.offset());
            }
        }
        Map<UUID, Set<Long>> out = new HashMap<>();
        for (Map.Entry<UUID, long[]> r : ranges.entrySet()) {
            out.put(r.getKey(), new java.util.HashSet<>(sql.selectOffsets(c, r.getKey(), r.getValue()[0], r.getValue()[1])));
        }
        return out;
    }

    /** The first id of {@code a} already known with other content, or null. */
    private static UUID conflict(WriteQueue.PendingAppend a, Map<UUID, StoredEvent> known, Map<UUID, EventRow> existing) {
        Map<UUID, String> inRequest = new HashMap<>();
        for (NewEvent e : a.events()) {
            StoredEvent k = known.get(e.id());
            EventRow row = existing.get(e.id());
            String prior = k != null ? k.contentHash() : row != null ? row.contentHash() : inRequest.get(e.id());
            if (prior != null && !prior.equals(e.contentHash())) {
                return e.id();
            }
            inRequest.putIfAbsent(e.id(), e.contentHash());
        }
        return null;
    }

    private static StoredEvent original(UUID id, Map<UUID, StoredEvent> known, Map<UUID, EventRow> existing) {
        StoredEvent k = known.get(id);
        if (k != null) {
            return k;
        }
        EventRow row = existing.get(id);
        if (row == null) {
            return null;
        }
        try {
            // The publisher only needs the original's position; its data is not delivered again.
            k = row.decode(false, false);
        } catch (EventRow.CorruptRowException e) {
            throw new IllegalStateException("stored event " + id + " cannot be read: " + e.getMessage());
        }
        known.put(id, k);
        return k;
    }

    private void storeMarks(Connection c, List<WriteQueue.Mark> marks) throws SQLException {
        if (marks.isEmpty()) {
            return;
        }
        Map<String, WriteQueue.Mark> delivered = new LinkedHashMap<>();
        Map<UUID, Integer> replays = new HashMap<>();
        for (WriteQueue.Mark m : marks) {
            if (m.clientId() != null) {
                delivered.putIfAbsent(m.eventId() + "/" + m.clientId(), m);
            }
            if (m.replayed()) {
                replays.merge(m.eventId(), 1, Integer::sum);
            }
        }
        if (!delivered.isEmpty()) {
            sql.addDelivered(c, new ArrayList<>(delivered.values()));
        }
        if (!replays.isEmpty()) {
            sql.addReplays(c, replays);
        }
    }

    /** One bounded cleanup batch inside the caller's transaction; returns the rows deleted. */
    int cleanup(Connection c, WriteQueue.CleanupJob job, int limit) throws SQLException {
        List<SqlHistory.Removed> rows = sql.deleteExpired(c, job.now, limit);
        Map<UUID, CleanupReport.Removal> perProject = new HashMap<>();
        for (SqlHistory.Removed r : rows) {
            perProject.merge(r.projectId(), new CleanupReport.Removal(r.seq(), r.createdAt()), CleanupReport.Removal::merge);
        }
        for (Map.Entry<UUID, CleanupReport.Removal> e : perProject.entrySet()) {
            sql.noteRemoved(c, e.getKey(), e.getValue());
            job.removals.merge(e.getKey(), e.getValue(), CleanupReport.Removal::merge);
        }
        job.deleted += rows.size();
        return rows.size();
    }

    /** Fails everything in a batch that was not stored. */
    void failAll(WriteQueue.Batch batch, HistoryUnavailableException e) {
        for (WriteQueue.PendingAppend a : batch.appends()) {
            a.promise().tryFail(e);
        }
        for (WriteQueue.Command cmd : batch.commands()) {
            if (cmd instanceof WriteQueue.EnsureStream en) {
                en.promise().tryFail(e);
            } else if (cmd instanceof WriteQueue.Barrier b) {
                b.promise().tryFail(e);
            } else if (cmd instanceof WriteQueue.CleanupJob job) {
                job.promise.tryFail(e);
            } else if (cmd instanceof WriteQueue.PositionedInsert pi) {
                pi.promise().tryFail(e);
            }
        }
    }
}
