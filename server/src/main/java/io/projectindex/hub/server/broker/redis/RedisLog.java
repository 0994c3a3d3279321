package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The Redis tier of every project's stream: the scripts that publish, position, read and clean
 * up, with their arguments and answers in Java terms (layout in {@link RedisKeys}). Knows nothing
 * of the durable store; {@link RedisHistoryStore} combines the two. Thread-safe (stateless apart
 * from the link).
 */
public final class RedisLog {
    /** Meta hashes (epoch, top offset) live at least this long after a stream's last write (30 days). */
    public static final Duration MIN_META_TTL = Duration.ofDays(30);
    /** Log entries one read or cleanup script looks at, at most (10,000), so no script holds Redis long. */
    public static final int MAX_SCAN = 10_000;

    private final RedisLink link;
    private final RedisKeys keys;
    private final boolean sharded;
    private final HubClock clock;
    private final boolean redisTime;
    private final int maxEvents;
    private final Duration historyTtl;
    private final Duration metaTtl;
    private final Duration idTtl;

    /**
     * @param sharded    publish with SPUBLISH (Redis Cluster) instead of PUBLISH
     * @param redisTime  stamp events with Redis {@code TIME} (one clock for all nodes); false: with {@code clock}
     * @param maxEvents  entries each project's log keeps ({@code EVENT_HISTORY_MAX_EVENTS})
     * @param historyTtl how long an entry stays at most, and how long an idle log lives ({@code EVENT_HISTORY_TTL_HOURS})
     * @param idTtl      how long an event id is remembered for idempotency
     */
    public RedisLog(RedisLink link, RedisKeys keys, boolean sharded, HubClock clock, boolean redisTime, int maxEvents,
                    Duration historyTtl, Duration idTtl) {
        this.link = link;
        this.keys = keys;
        this.sharded = sharded;
        this.clock = clock;
        this.redisTime = redisTime;
        this.maxEvents = maxEvents;
        this.historyTtl = historyTtl;
        this.metaTtl = historyTtl.compareTo(MIN_META_TTL) > 0 ? historyTtl : MIN_META_TTL;
        this.idTtl = idTtl;
    }

    public RedisKeys keys() {
        return keys;
    }

    public RedisLink link() {
        return link;
    }

    // ---------------------------------------------------------------- publish

    /** Where a missing stream starts: its epoch, the offset before its first new event, its last timestamp. */
    public record StreamInit(String epoch, long top, long lastTimestampMillis) {
    }

    /** One event as stored: its position and timestamp, and whether it was stored before (a duplicate). */
    public record Placed(long offset, long timestampMillis, String epoch, boolean duplicate) {
        public StoredEvent toStored(NewEvent e) {
            return new StoredEvent(e, Instant.ofEpochMilli(timestampMillis), epoch, offset);
        }
    }

    /** The answer of one publish script: placed events, a conflicting id, or streams that need init values. */
    public sealed interface PublishOutcome permits Published, Conflict, NeedsInit {
    }

    public record Published(List<Placed> placed) implements PublishOutcome {
    }

    public record Conflict(UUID eventId) implements PublishOutcome {
    }

    public record NeedsInit(List<UUID> projects) implements PublishOutcome {
    }

    /**
     * Runs the publish script for {@code events} (all in one slot in a cluster), in order. A
     * project missing in Redis is created from {@code init} when it has an entry there, otherwise
     * the call stores nothing and answers {@link NeedsInit}.
     */
    public Future<PublishOutcome> publish(List<NewEvent> events, Map<UUID, StreamInit> init) {
        Map<UUID, Integer> projectIndex = new LinkedHashMap<>();
        for (NewEvent e : events) {
            projectIndex.putIfAbsent(e.projectId(), projectIndex.size() + 1);
        }
        List<String> k = new ArrayList<>(3 * projectIndex.size() + events.size());
        List<Object> a = new ArrayList<>(8 + 5 * projectIndex.size() + 5 * events.size());
        for (UUID p : projectIndex.keySet()) {
            k.add(keys.meta(p));
            k.add(keys.log(p));
            k.add(keys.projects(keys.partition(p)));
        }
        for (NewEvent e : events) {
            k.add(keys.idempotency(e.projectId(), e.id()));
        }
        a.add(projectIndex.size());
        a.add(events.size());
        a.add(nowArg());
        a.add(sharded ? "spublish" : "publish");
        a.add(maxEvents);
        a.add(historyTtl.toSeconds());
        a.add(metaTtl.toSeconds());
        a.add(idTtl.toSeconds());
        for (UUID p : projectIndex.keySet()) {
            StreamInit i = init.get(p);
            a.add(p.toString());
            a.add(keys.channel(p));
            a.add(i == null ? "" : i.epoch());
            a.add(i == null ? 0L : i.top());
            a.add(i == null ? 0L : i.lastTimestampMillis());
        }
        for (NewEvent e : events) {
            a.add(projectIndex.get(e.projectId()));
            a.add(e.contentHash());
            a.add(e.type().wire());
            a.add(expiryMillis(e));
            a.add(EventMessage.body(e));
        }
        List<UUID> order = new ArrayList<>(projectIndex.keySet());
        return Script.PUBLISH.run(link, k, a).map(r -> {
            String kind = r.get(0).toString();
            switch (kind) {
                case "conflict":
                    return new Conflict(events.get(r.get(1).toInteger() - 1).id());
                case "init": {
                    List<UUID> missing = new ArrayList<>();
                    for (int i = 1; i < r.size(); i++) {
                        missing.add(order.get(r.get(i).toInteger() - 1));
                    }
                    return new NeedsInit(missing);
                }
                case "ok": {
                    List<Placed> placed = new ArrayList<>(events.size());
                    for (int j = 0; j < events.size(); j++) {
                        int b = 1 + 4 * j;
                        placed.add(new Placed(r.get(b).toLong(), r.get(b + 1).toLong(), r.get(b + 2).toString(),
                                r.get(b + 3).toInteger() == 1));
                    }
                    return new Published(placed);
                }
                default:
                    throw new IllegalStateException("unexpected answer of the publish script: " + r);
            }
        });
    }

    /**
     * Looks up ids already stored, for the all-or-nothing check of a request that spans several
     * slots: the content hash of each id of {@code events} Redis remembers, by id.
     */
    public Future<Map<UUID, String>> storedHashes(List<NewEvent> events) {
        List<Future<Response>> gets = new ArrayList<>(events.size());
        for (NewEvent e : events) {
            gets.add(link.send(Request.cmd(Command.GET).arg(keys.idempotency(e.projectId(), e.id()))));
        }
        return Future.all(gets).map(all -> {
            Map<UUID, String> out = new LinkedHashMap<>();
            for (int i = 0; i < events.size(); i++) {
                Response r = all.resultAt(i);
                if (r != null) {
                    String v = r.toString();
                    out.put(events.get(i).id(), v.substring(v.lastIndexOf('\n') + 1));
                }
            }
            return out;
        });
    }

    private long expiryMillis(NewEvent e) {
        Duration ttl = e.persistence().ttl().filter(t -> t.compareTo(historyTtl) < 0).orElse(historyTtl);
        return ttl.toMillis();
    }

    private long nowArg() {
        return redisTime ? 0L : clock.millis();
    }

    // ---------------------------------------------------------------- positions

    /**
     * The stream's position; a missing stream is created from {@code init}, or, without it, the
     * answer is null. A {@code floor} in the stream's epoch above its top means Redis lost writes
     * that were delivered ({@code ensure.lua}): mode {@code reset} starts the stream again in
     * {@code init}'s epoch (Redis is the only history), {@code raise} moves its top to the floor and
     * drops its log (the durable store has everything), {@code fork} resets even when the top has
     * passed the floor again (offsets were handed out twice).
     */
    public Future<StreamPosition> ensure(UUID project, StreamInit init, StreamPosition floor, String floorMode) {
        List<Object> a = List.of(init == null ? "" : init.epoch(), init == null ? 0L : init.top(),
                init == null ? 0L : init.lastTimestampMillis(), metaTtl.toSeconds(),
                floor == null ? "" : floor.epoch(), floor == null ? 0L : floor.offset(), floorMode);
        return Script.ENSURE.run(link, List.of(keys.meta(project), keys.log(project)), a).map(r -> {
            if (r.get(0).toString().equals("init")) {
                return null;
            }
            return new StreamPosition(r.get(1).toString(), r.get(2).toLong());
        });
    }

    /**
     * After the durable store refused events whose positions it already holds: the stream's top
     * moves past {@code durable}, its log is dropped, and the ids of {@code displaced} are
     * forgotten (their republish gets new offsets).
     */
    public Future<Long> repair(UUID project, long durableTop, long durableLastMillis, List<StoredEvent> displaced) {
        List<String> k = new ArrayList<>(2 + displaced.size());
        k.add(keys.meta(project));
        k.add(keys.log(project));
        for (StoredEvent e : displaced) {
            k.add(keys.idempotency(project, e.id()));
        }
        return Script.REPAIR.run(link, k, List.of(durableTop, durableLastMillis)).map(Response::toLong);
    }

    // ---------------------------------------------------------------- reads

    /**
     * What one read of a log found.
     *
     * @param epoch          the stream's epoch, or null when the stream does not exist in Redis
     * @param removedThrough highest offset cleanup removed from the log (expired entries)
     * @param firstOffset    the oldest offset the log holds (0: none)
     * @param lastScanned    the last offset looked at (where a continuation starts)
     * @param ended          the end of the log was reached
     */
    public record LogRead(String epoch, long top, long removedThrough, long removedUntilMillis, long lastTimestampMillis,
                          long firstOffset, long firstTimestampMillis, long lastScanned, boolean ended,
                          List<StoredEvent> events) {
        public boolean exists() {
            return epoch != null;
        }

        public StreamPosition head() {
            return new StreamPosition(epoch, top);
        }
    }

    /**
     * Entries of {@code types} with an offset above {@code afterOffset} and a timestamp above
     * {@code afterMillis} (-1: any), oldest first, at most {@code want}.
     */
    public Future<LogRead> read(UUID project, long afterOffset, long afterMillis, Set<EventType> types, int want) {
        StringBuilder t = new StringBuilder();
        if (types.size() < EventType.values().length) {
            t.append(',');
            for (EventType type : types) {
                t.append(type.wire()).append(',');
            }
        }
        List<Object> a = List.of(afterOffset, afterMillis, t.toString(), Math.max(0, want), MAX_SCAN);
        return Script.READ.run(link, List.of(keys.meta(project), keys.log(project)), a).map(r -> {
            if (r.size() == 0) {
                return new LogRead(null, 0, 0, 0, 0, 0, 0, afterOffset, true, List.of());
            }
            List<StoredEvent> events = new ArrayList<>((r.size() - 9) / 2);
            for (int i = 9; i + 1 < r.size(); i += 2) {
                events.add(EventMessage.decode(r.get(i + 1).toBytes()));
            }
            return new LogRead(r.get(0).toString(), r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong(),
                    r.get(4).toLong(), r.get(5).toLong(), r.get(6).toLong(), r.get(7).toLong(), r.get(8).toLong() == 1,
                    events);
        });
    }

    // ---------------------------------------------------------------- cleanup

    /** Removes expired entries from every project's log; answers how many. */
    public Future<Long> cleanup(Instant now) {
        Future<Long> total = Future.succeededFuture(0L);
        for (int p = 0; p < keys.partitions(); p++) {
            int partition = p;
            total = total.compose(sum -> cleanupPartition(partition, now).map(n -> sum + n));
        }
        return total;
    }

    private Future<Long> cleanupPartition(int partition, Instant now) {
        String index = keys.projects(partition);
        long idleBefore = now.minus(metaTtl).toEpochMilli();
        return link.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(index).arg("-inf").arg(idleBefore))
                .compose(x -> link.send(Request.cmd(Command.ZRANGE).arg(index).arg(0).arg(-1)))
                .compose(members -> {
                    List<Future<Long>> each = new ArrayList<>();
                    for (Response m : members) {
                        String project = m.toString();
                        UUID id = UUID.fromString(project);
                        each.add(Script.CLEANUP.run(link, List.of(keys.meta(id), keys.log(id)),
                                List.of(now.toEpochMilli(), MAX_SCAN)).compose(r -> {
                            long n = r.toLong();
                            if (n < 0) {
                                return link.send(Request.cmd(Command.ZREM).arg(index).arg(project)).map(0L);
                            }
                            return Future.succeededFuture(n);
                        }));
                    }
                    return Future.all(each).map(all -> {
                        long sum = 0;
                        for (int i = 0; i < all.size(); i++) {
                            sum += all.<Long>resultAt(i);
                        }
                        return sum;
                    });
                });
    }

    // ---------------------------------------------------------------- delivery marks (Redis-only history)

    public Future<Void> mark(UUID eventId, String clientId, boolean replayed, int maxClients) {
        return Script.MARK.run(link, List.of(RedisKeys.deliveries(eventId)),
                List.of(clientId == null ? "" : clientId, replayed ? "1" : "0", maxClients, historyTtl.toSeconds()))
                .mapEmpty();
    }

    /** Client ids and replay count recorded for one event (empty when none). */
    public Future<Map<String, String>> deliveries(UUID eventId) {
        return link.send(Request.cmd(Command.HGETALL).arg(RedisKeys.deliveries(eventId))).map(r -> {
            Map<String, String> out = new LinkedHashMap<>();
            if (r == null) {
                return out;
            }
            if (r.isMap()) {
                for (String key : r.getKeys()) {
                    out.put(key, r.get(key).toString());
                }
            } else {
                for (int i = 0; i + 1 < r.size(); i += 2) {
                    out.put(r.get(i).toString(), r.get(i + 1).toString());
                }
            }
            return out;
        });
    }

    /** Which of {@code eventIds} were delivered to {@code clientId}. */
    public Future<Set<UUID>> deliveredTo(String clientId, List<UUID> eventIds) {
        List<Future<Response>> checks = new ArrayList<>(eventIds.size());
        for (UUID id : eventIds) {
            checks.add(link.send(Request.cmd(Command.HEXISTS).arg(RedisKeys.deliveries(id)).arg("c:" + clientId)));
        }
        return Future.all(checks).map(all -> {
            Set<UUID> out = new java.util.HashSet<>();
            for (int i = 0; i < eventIds.size(); i++) {
                Response r = all.resultAt(i);
                if (r != null && r.toLong() == 1) {
                    out.add(eventIds.get(i));
                }
            }
            return out;
        });
    }
}
