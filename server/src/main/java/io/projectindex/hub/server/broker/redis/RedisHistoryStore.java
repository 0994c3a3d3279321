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
 * Thread-safe.
 *
 * <p>Design note. Thread-safe; nothing blocks. An append is one publish script per request (per
 * slot in a Redis Cluster), which stores and publishes the events for fan-out; it then announces
 * them to {@code onAppended}, writes them to the durable store and only then completes, so a
 * publish is acknowledged once durable. A stream missing in Redis is created from the durable
 * store's stream (same epoch, same top, same last timestamp), so losing Redis data neither changes
 * epochs nor reuses offsets; without a durable store it starts a new epoch. Reads are answered from
 * the Redis log when it holds everything the read may return, otherwise from the durable store
 * ({@link RedisReads}).
 * There is no in-memory tier: every node would see a different one ({@code TieredHistoryStore}
 * assumes a single writer).
 */
public final class RedisHistoryStore implements HistoryStore {
    private static final Logger log = LoggerFactory.getLogger(RedisHistoryStore.class);

    private final RedisLog redis;
    private final DurableHistoryStore durable;
    private final boolean sharded;
    private final DeliveryMarks marks;
    private final DurableRetries retries;
    private final Vertx vertx;
    private final long marksTimer;
    private final RedisReads reads;

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
        this.reads = new RedisReads(redis, durable, marks, this::position);
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
        // Built and run on the link's loop, every step completing there: onAppended then runs in
        // the order Redis executed the scripts.
        RedisLink link = redis.link();
        return link.onLoop(() -> publishAll(events).map(placed -> {
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
            return new Appended(results, all);
        })).compose(appended -> {
            List<AppendResult> results = appended.results();
            List<StoredEvent> all = appended.all();
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

    private record Appended(List<AppendResult> results, List<StoredEvent> all) {
    }

    /** Runs the publish scripts of a request, one group after the other; on the link's loop. */
    private Future<RedisLog.Placed[]> publishAll(List<NewEvent> events) {
        List<List<Integer>> groups = groups(events);
        Future<Void> chain = groups.size() > 1 ? checkConflicts(events) : Future.succeededFuture();
        RedisLog.Placed[] placed = new RedisLog.Placed[events.size()];
        for (List<Integer> group : groups) {
            chain = chain.compose(v -> publishGroup(events, group, placed));
        }
        return chain.map(placed);
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
                // Back on the link's loop before the next script, so its answer is handled in order.
                return redis.link().here(inits(needs.projects())).compose(init -> redis.publish(part, init));
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
        return reads.read(request);
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
