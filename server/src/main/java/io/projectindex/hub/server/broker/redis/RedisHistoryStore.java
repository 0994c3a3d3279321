package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.CleanupResult;
import io.projectindex.hub.server.stream.ConflictException;
import io.projectindex.hub.server.stream.DeliveryRecord;
import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.stream.Epochs;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.ReadResult;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * History in multi-node mode. Redis assigns positions and holds every project's recent events,
 * shared by all nodes ({@link RedisLog}); PostgreSQL, when configured, holds everything durably and
 * is written once per event, by the node that published it ({@link DurableHistoryStore#insertPositioned}).
 *
 * <p>Design note. Thread-safe; nothing blocks. An append is one publish script per request (per
 * slot in a Redis Cluster), which stores and publishes the events for fan-out; it then announces
 * them to {@code onAppended}, writes them to the durable store and only then completes, so a
 * publish is acknowledged once durable. A stream missing in Redis is created from the durable
 * store's stream (same epoch, same top, same last timestamp), so losing Redis data neither changes
 * epochs nor reuses offsets; without a durable store it starts a new epoch. Reads are answered from
 * the Redis log when it holds everything the read may return; otherwise from the durable store, with
 * what Redis holds beyond the durable top appended (writes in flight), oldest first, each offset once.
 * There is no in-memory tier: every node would see a different one ({@code TieredHistoryStore}
 * assumes a single writer).
 */
public final class RedisHistoryStore implements HistoryStore {
    private static final Logger log = LoggerFactory.getLogger(RedisHistoryStore.class);
    /** Continuation reads of one history read at most (each scans up to {@link RedisLog#MAX_SCAN}). */
    private static final int MAX_CONTINUATIONS = 100;

    private final RedisLog redis;
    private final DurableHistoryStore durable;
    private final boolean sharded;
    private final DeliveryMarks marks;
    private final DurableRetries retries;
    private final Vertx vertx;
    private final long marksTimer;

    /**
     * @param durable the durable store, or null for Redis-only history
     * @param sharded true in a Redis Cluster: one publish script per slot
     */
    public RedisHistoryStore(Vertx vertx, RedisLog redis, DurableHistoryStore durable, boolean sharded) {
        this.vertx = vertx;
        this.redis = redis;
        this.durable = durable;
        this.sharded = sharded;
        this.marks = new DeliveryMarks(redis);
        this.retries = durable == null ? null : new DurableRetries(vertx, durable);
        this.marksTimer = durable == null ? vertx.setPeriodic(20, id -> marks.flush()) : -1;
    }

    public RedisLog log() {
        return redis;
    }

    /** The durable store, or null. */
    public DurableHistoryStore durable() {
        return durable;
    }

    @Override
    public String backend() {
        return durable == null ? "redis" : "redis+" + durable.backend();
    }

    // ---------------------------------------------------------------- append

    @Override
    public Future<List<AppendResult>> append(List<NewEvent> events, Consumer<List<StoredEvent>> onAppended) {
        if (events.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        List<List<Integer>> groups = groups(events);
        Future<Void> checked = groups.size() > 1 ? checkConflicts(events) : Future.succeededFuture();
        RedisLog.Placed[] placed = new RedisLog.Placed[events.size()];
        Future<Void> chain = checked;
        for (List<Integer> group : groups) {
            chain = chain.compose(v -> publishGroup(events, group, placed));
        }
        return chain.compose(v -> {
            List<AppendResult> results = new ArrayList<>(events.size());
            List<StoredEvent> fresh = new ArrayList<>(events.size());
            List<StoredEvent> all = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                StoredEvent s = placed[i].toStored(events.get(i));
                results.add(new AppendResult(s, placed[i].duplicate()));
                all.add(s);
                if (!placed[i].duplicate()) {
                    fresh.add(s);
                }
            }
            if (!fresh.isEmpty()) {
                try {
                    onAppended.accept(fresh);
                } catch (RuntimeException e) {
                    log.error("onAppended failed for {} events; they are stored", fresh.size(), e);
                }
            }
            if (durable == null) {
                return Future.succeededFuture(results);
            }
            // Duplicates are written again too: a retry after a failed durable write completes it.
            return durable.insertPositioned(all).recover(t -> {
                retries.add(all);
                return Future.failedFuture(new HistoryUnavailableException("events " + offsets(all)
                        + " are stored in Redis and delivered, but the durable store failed (" + t.getMessage()
                        + "); publish them again with the same ids to have them acknowledged", RedisLink.RETRY_AFTER, t));
            }).compose(inserted -> inserted.positionTaken().isEmpty() ? Future.succeededFuture(results)
                    : repairThenRefuse(inserted.positionTaken()));
        });
    }

    /**
     * Redis gave out positions the durable store already holds (it lost writes). Those events
     * are not acknowledged: the streams' tops move past the durable ones and the events' ids are
     * forgotten, so that publishing them again stores them at new offsets.
     */
    private Future<List<AppendResult>> repairThenRefuse(List<StoredEvent> displaced) {
        Map<UUID, List<StoredEvent>> byProject = new LinkedHashMap<>();
        for (StoredEvent e : displaced) {
            byProject.computeIfAbsent(e.projectId(), k -> new ArrayList<>()).add(e);
        }
        List<Future<Long>> repairs = new ArrayList<>();
        for (Map.Entry<UUID, List<StoredEvent>> e : byProject.entrySet()) {
            repairs.add(durable.head(e.getKey()).compose(h -> redis.repair(e.getKey(), h.top(),
                    h.lastTimestamp() == null ? 0 : h.lastTimestamp().toEpochMilli(), e.getValue())));
        }
        log.error("Redis assigned positions the durable store already holds ({}): Redis lost writes; streams moved past"
                + " the durable top", offsets(displaced));
        return Future.join(repairs).transform(x -> Future.failedFuture(new HistoryUnavailableException("positions "
                + offsets(displaced) + " were already taken in durable history (Redis lost recent writes); publish these"
                + " events again", RedisLink.RETRY_AFTER, null)));
    }

    /** Indexes of the events per publish script: one group, or one per slot in a cluster; in request order. */
    private List<List<Integer>> groups(List<NewEvent> events) {
        if (!sharded) {
            List<Integer> all = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                all.add(i);
            }
            return List.of(all);
        }
        Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            byPartition.computeIfAbsent(redis.keys().partition(events.get(i).projectId()), k -> new ArrayList<>()).add(i);
        }
        return new ArrayList<>(byPartition.values());
    }

    /**
     * All-or-nothing across slots: before any script runs, no id of the request may be stored or
     * repeated with other content. (A conflicting publish that lands between this check and the
     * scripts is caught by its own slot's script, after earlier slots were stored.)
     */
    private Future<Void> checkConflicts(List<NewEvent> events) {
        Map<UUID, String> inRequest = new HashMap<>();
        for (NewEvent e : events) {
            String prior = inRequest.putIfAbsent(e.id(), e.contentHash());
            if (prior != null && !prior.equals(e.contentHash())) {
                return Future.failedFuture(new ConflictException(e.id()));
            }
        }
        return redis.storedHashes(events).compose(stored -> {
            for (NewEvent e : events) {
                String hash = stored.get(e.id());
                if (hash != null && !hash.equals(e.contentHash())) {
                    return Future.failedFuture(new ConflictException(e.id()));
                }
            }
            return Future.succeededFuture();
        });
    }

    private Future<Void> publishGroup(List<NewEvent> events, List<Integer> group, RedisLog.Placed[] placed) {
        List<NewEvent> part = new ArrayList<>(group.size());
        for (int i : group) {
            part.add(events.get(i));
        }
        Map<UUID, RedisLog.StreamInit> fresh = new HashMap<>();
        if (durable == null) {
            for (NewEvent e : part) {
                fresh.computeIfAbsent(e.projectId(), p -> new RedisLog.StreamInit(Epochs.next(), 0, 0));
            }
        }
        return redis.publish(part, fresh).compose(outcome -> {
            if (outcome instanceof RedisLog.NeedsInit needs) {
                return inits(needs.projects()).compose(init -> redis.publish(part, init));
            }
            return Future.succeededFuture(outcome);
        }).compose(outcome -> {
            if (outcome instanceof RedisLog.Conflict c) {
                return Future.failedFuture(new ConflictException(c.eventId()));
            }
            if (!(outcome instanceof RedisLog.Published p)) {
                return Future.failedFuture(RedisLink.unavailable("streams could not be initialised", null));
            }
            for (int j = 0; j < group.size(); j++) {
                placed[group.get(j)] = p.placed().get(j);
            }
            return Future.succeededFuture();
        });
    }

    /** Where missing streams start: from the durable store's streams (creating them), or in a new epoch. */
    private Future<Map<UUID, RedisLog.StreamInit>> inits(List<UUID> projects) {
        List<Future<DurableHistoryStore.Head>> heads = new ArrayList<>();
        for (UUID p : projects) {
            heads.add(durable.head(p));
        }
        return Future.all(heads).map(all -> {
            Map<UUID, RedisLog.StreamInit> out = new HashMap<>();
            for (int i = 0; i < projects.size(); i++) {
                out.put(projects.get(i), init(all.resultAt(i)));
            }
            return out;
        });
    }

    private static RedisLog.StreamInit init(DurableHistoryStore.Head h) {
        return new RedisLog.StreamInit(h.epoch(), h.top(), h.lastTimestamp() == null ? 0 : h.lastTimestamp().toEpochMilli());
    }

    // ---------------------------------------------------------------- positions

    @Override
    public Future<StreamPosition> position(UUID projectId) {
        return position(projectId, null);
    }

    /**
     * The stream's position, creating it like a publish would; with a {@code floor} in the same
     * epoch the stream's top is raised to it (a node delivered events Redis no longer knows).
     */
    public Future<StreamPosition> position(UUID projectId, StreamPosition floor) {
        return position(projectId, floor, false);
    }

    /**
     * Like {@link #position(UUID, StreamPosition)}; {@code forked}: offsets up to the floor were
     * handed out twice. Redis-only history then starts a new epoch (its history is no longer one
     * continuous stream); with a durable store the top is moved past the floor (the durable store
     * refused the reused offsets, so nothing acknowledged is lost).
     */
    public Future<StreamPosition> position(UUID projectId, StreamPosition floor, boolean forked) {
        RedisLog.StreamInit fresh = durable == null ? new RedisLog.StreamInit(Epochs.next(), 0, 0) : null;
        String mode = durable != null ? "raise" : forked ? "fork" : "reset";
        return redis.ensure(projectId, fresh, floor, mode).compose(pos -> pos != null ? Future.succeededFuture(pos)
                : durable.head(projectId).compose(h -> redis.ensure(projectId, init(h), floor, "raise")));
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Future<ReadResult> read(ReadRequest request) {
        if (request.excludeDeliveredTo() != null) {
            return durable != null ? durable.read(request) : marks.flush().compose(v -> readExcluding(request));
        }
        Future<ReadResult> r = readRedis(request, true);
        return durable == null ? r : r.recover(t -> t instanceof HistoryUnavailableException ? durable.read(request)
                : Future.failedFuture(t));
    }

    private static long afterMillis(ReadRequest r) {
        return r.afterTime() == null ? -1 : Math.floorDiv(r.afterTime().getEpochSecond() * 1_000_000_000L
                + r.afterTime().getNano(), 1_000_000L);
    }

    private Future<ReadResult> readRedis(ReadRequest request, boolean createMissing) {
        long after = request.afterOffset() == null ? 0 : request.afterOffset();
        long afterMs = afterMillis(request);
        return scan(request, after, afterMs, request.limit() + 1).compose(r -> {
            if (!r.first.exists()) {
                if (!createMissing) {
                    return Future.failedFuture(RedisLink.unavailable("stream vanished while read", null));
                }
                return position(request.projectId()).compose(head -> readRedis(request, false));
            }
            if (durable == null || covered(request, afterMs, r.first)) {
                return Future.succeededFuture(fromRedis(request, r));
            }
            return readDurable(request, afterMs, r.first);
        });
    }

    /** A log read and its continuations, up to {@code want} events. */
    private record Scan(RedisLog.LogRead first, RedisLog.LogRead last, List<StoredEvent> events) {
    }

    private Future<Scan> scan(ReadRequest request, long after, long afterMs, int want) {
        return redis.read(request.projectId(), after, afterMs, request.types(), want)
                .compose(first -> continueScan(request, afterMs, want, new Scan(first, first, first.events()), 0));
    }

    private Future<Scan> continueScan(ReadRequest request, long afterMs, int want, Scan s, int round) {
        if (!s.first.exists() || s.events.size() >= want || s.last.ended() || round >= MAX_CONTINUATIONS) {
            return Future.succeededFuture(s);
        }
        return redis.read(request.projectId(), s.last.lastScanned(), afterMs, request.types(), want - s.events.size())
                .compose(next -> {
                    List<StoredEvent> all = new ArrayList<>(s.events);
                    all.addAll(next.events());
                    return continueScan(request, afterMs, want, new Scan(s.first, next, all), round + 1);
                });
    }

    /** True when the Redis log holds every event the read may return (durable mode). */
    private static boolean covered(ReadRequest request, long afterMs, RedisLog.LogRead r) {
        long first = r.firstOffset();
        if (first == 0) {
            return r.top() == 0 || (request.afterOffset() != null && request.afterOffset() >= r.top());
        }
        if (request.afterOffset() != null) {
            return request.afterOffset() + 1 >= first && request.afterOffset() >= r.removedThrough();
        }
        if (request.afterTime() != null) {
            return (first == 1 || r.firstTimestampMillis() <= afterMs)
                    && (r.removedUntilMillis() == 0 || r.removedUntilMillis() <= afterMs);
        }
        return first == 1 && r.removedThrough() == 0;
    }

    private static ReadResult fromRedis(ReadRequest request, Scan s) {
        RedisLog.LogRead r = s.first;
        List<StoredEvent> events = s.events;
        boolean hasMore = events.size() > request.limit();
        if (hasMore) {
            events = events.subList(0, request.limit());
        }
        // The scripts keep the markers exact (trimming, expiry, an idle log's expiry); entries that
        // left the log some other way (e.g. a Redis maxmemory eviction) still show as removed.
        long removedThrough = r.removedThrough();
        long removedUntil = r.removedUntilMillis();
        if (r.firstOffset() > removedThrough + 1) {
            removedThrough = r.firstOffset() - 1;
            removedUntil = Math.max(removedUntil, r.firstTimestampMillis());
        } else if (r.firstOffset() == 0 && r.top() > removedThrough) {
            removedThrough = r.top();
            removedUntil = Math.max(removedUntil, r.lastTimestampMillis());
        }
        return new ReadResult(events, hasMore, s.last.head(), removedThrough,
                removedUntil == 0 ? null : Instant.ofEpochMilli(removedUntil));
    }

    /**
     * The durable store's answer, followed by what the Redis log holds beyond the durable top
     * (events whose durable write is in flight or failed), each offset once.
     */
    private Future<ReadResult> readDurable(ReadRequest request, long afterMs, RedisLog.LogRead redisHead) {
        return durable.read(request).compose(d -> {
            if (d.hasMore() || redisHead.top() <= d.head().offset()) {
                return Future.succeededFuture(new ReadResult(d.events(), d.hasMore(), redisHead.head(), d.removedThrough(),
                        d.removedUntil()));
            }
            long durableTop = d.head().offset();
            long lastReturned = d.events().isEmpty() ? 0 : d.events().get(d.events().size() - 1).offset();
            long start = Math.max(durableTop, request.afterOffset() == null ? 0 : request.afterOffset());
            int want = request.limit() - d.events().size() + 1;
            return scan(request, start, afterMs, want).map(t -> {
                List<StoredEvent> merged = new ArrayList<>(d.events());
                for (StoredEvent e : t.events) {
                    if (e.offset() > lastReturned) {
                        merged.add(e);
                    }
                }
                boolean hasMore = merged.size() > request.limit();
                if (hasMore) {
                    merged = merged.subList(0, request.limit());
                }
                long removedThrough = d.removedThrough();
                long first = t.first.firstOffset();
                if (first == 0 || first > durableTop + 1) {
                    // Offsets after the durable top that the log no longer holds are in neither tier.
                    long gone = first == 0 ? t.first.top() : first - 1;
                    if (gone > durableTop) {
                        removedThrough = Math.max(removedThrough, gone);
                    }
                }
                return new ReadResult(merged, hasMore, t.last.exists() ? t.last.head() : redisHead.head(), removedThrough,
                        d.removedUntil());
            });
        });
    }

    /** Redis-only reads that leave out events delivered to a client id; {@code limit} counts what is returned. */
    private Future<ReadResult> readExcluding(ReadRequest request) {
        ReadRequest plain = new ReadRequest(request.projectId(), request.afterOffset(), request.afterTime(),
                request.types(), Math.max(64, request.limit()));
        return readRedis(plain, true).compose(first -> excludeRound(request, plain, first, first, new ArrayList<>(), 0));
    }

    private Future<ReadResult> excludeRound(ReadRequest request, ReadRequest plain, ReadResult first, ReadResult page,
                                            List<StoredEvent> kept, int round) {
        List<UUID> ids = page.events().stream().map(StoredEvent::id).toList();
        return marks.deliveredTo(request.excludeDeliveredTo(), ids).compose(delivered -> {
            for (StoredEvent e : page.events()) {
                if (!delivered.contains(e.id())) {
                    kept.add(e);
                }
            }
            boolean full = kept.size() > request.limit();
            if (full || !page.hasMore() || page.events().isEmpty() || round >= MAX_CONTINUATIONS) {
                List<StoredEvent> out = full ? kept.subList(0, request.limit()) : kept;
                return Future.succeededFuture(new ReadResult(out, full || page.hasMore(), page.head(),
                        first.removedThrough(), first.removedUntil()));
            }
            long last = page.events().get(page.events().size() - 1).offset();
            ReadRequest next = ReadRequest.afterOffset(request.projectId(), last, request.types(), plain.limit());
            Future<ReadResult> more = request.afterTime() == null ? readRedis(next, false)
                    : redis.read(request.projectId(), last, afterMillis(request), request.types(), plain.limit() + 1)
                    .map(r -> {
                        boolean hm = r.events().size() > plain.limit();
                        List<StoredEvent> ev = hm ? r.events().subList(0, plain.limit()) : r.events();
                        return new ReadResult(ev, hm || !r.ended(), r.head(), 0, null);
                    });
            return more.compose(p -> excludeRound(request, plain, first, p, kept, round + 1));
        });
    }

    // ---------------------------------------------------------------- maintenance

    @Override
    public Future<CleanupResult> cleanup(Instant now) {
        Future<Long> fromRedis = redis.cleanup(now);
        if (durable == null) {
            return fromRedis.map(n -> new CleanupResult(n, 0));
        }
        return fromRedis.compose(n -> durable.cleanup(now).map(d -> new CleanupResult(n, d.databaseCleaned())));
    }

    @Override
    public void markDelivered(String clientId, List<UUID> eventIds, boolean replayed) {
        if (durable != null) {
            durable.markDelivered(clientId, eventIds, replayed);
        } else {
            marks.add(clientId, eventIds, replayed);
        }
    }

    @Override
    public Future<DeliveryRecord> deliveries(UUID eventId) {
        return durable != null ? durable.deliveries(eventId) : marks.record(eventId);
    }

    @Override
    public Future<Void> ping() {
        Future<Void> r = redis.link().ping();
        return durable == null ? r : Future.all(r, durable.ping()).mapEmpty();
    }

    /** Durable writes waiting for a retry (events in Redis, not yet in the durable store). */
    public int pendingDurable() {
        return retries == null ? 0 : retries.size();
    }

    @Override
    public Future<Void> close() {
        if (marksTimer >= 0) {
            vertx.cancelTimer(marksTimer);
        }
        Future<Void> flushed = durable == null ? marks.flush() : retries.close();
        return flushed.otherwiseEmpty()
                .eventually(() -> durable == null ? Future.succeededFuture() : durable.close())
                .eventually(() -> redis.link().close());
    }

    private static String offsets(List<StoredEvent> events) {
        StringBuilder b = new StringBuilder();
        for (StoredEvent e : events) {
            if (b.length() > 80) {
                b.append(",…");
                break;
            }
            b.append(b.length() == 0 ? "" : ",").append(e.epoch()).append(':').append(e.offset());
        }
        return "[" + b + "]";
    }
}
