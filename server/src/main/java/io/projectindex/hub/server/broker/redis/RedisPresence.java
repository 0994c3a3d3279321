package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.broker.Presence;
import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connection presence in Redis: each node keeps a hash of its connections
 * ({@code pih:presence:<node>}: connection id → JSON record) and its name in
 * {@code pih:presence:nodes} scored by when its records expire. Changes are written in batches
 * every {@link #FLUSH}; every {@link #REFRESH} the node renews its hash's expiry
 * ({@link #TTL}), so the records of a node that dies vanish on their own. Thread-safe.
 */
public final class RedisPresence implements Presence {
    /** Changes are written this often (1 s). */
    static final Duration FLUSH = Duration.ofSeconds(1);
    /** A node renews its records this often (10 s). */
    static final Duration REFRESH = Duration.ofSeconds(10);
    /** Records of a node that stopped renewing them expire after this (30 s). */
    static final Duration TTL = Duration.ofSeconds(30);
    static final String NODES = RedisKeys.PREFIX + "presence:nodes";

    private final Vertx vertx;
    private final HubClock clock;
    private final RedisLink link;
    private final String nodeId;
    private final String key;
    /** This node's records, as written (or to be written). */
    private final Map<String, String> records = new ConcurrentHashMap<>();
    /** Pending changes: a record to write, or empty to delete. */
    private final Map<String, Optional<String>> pending = new ConcurrentHashMap<>();
    private final long flushTimer;
    private final long refreshTimer;

    public RedisPresence(Vertx vertx, HubClock clock, RedisLink link, String nodeId) {
        this.vertx = vertx;
        this.clock = clock;
        this.link = link;
        this.nodeId = nodeId;
        this.key = RedisKeys.PREFIX + "presence:" + nodeId;
        this.flushTimer = vertx.setPeriodic(FLUSH.toMillis(), id -> flush());
        this.refreshTimer = vertx.setPeriodic(0, REFRESH.toMillis(), id -> refresh());
    }

    @Override
    public void put(String connectionId, Map<String, Object> record) {
        String json = Json.write(record);
        records.put(connectionId, json);
        pending.put(connectionId, Optional.of(json));
    }

    @Override
    public void remove(String connectionId) {
        records.remove(connectionId);
        pending.put(connectionId, Optional.empty());
    }

    /** Writes the pending changes. */
    Future<Void> flush() {
        if (pending.isEmpty()) {
            return Future.succeededFuture();
        }
        List<String> ids = new ArrayList<>(pending.keySet());
        Request set = Request.cmd(Command.HSET).arg(key);
        Request del = Request.cmd(Command.HDEL).arg(key);
        int sets = 0;
        int dels = 0;
        for (String id : ids) {
            Optional<String> v = pending.remove(id);
            if (v == null) {
                continue;
            }
            if (v.isPresent()) {
                set.arg(id).arg(v.get());
                sets++;
            } else {
                del.arg(id);
                dels++;
            }
        }
        List<Future<Response>> writes = new ArrayList<>();
        if (sets > 0) {
            writes.add(link.send(set));
            writes.add(link.send(Request.cmd(Command.EXPIRE).arg(key).arg(TTL.toSeconds())));
        }
        if (dels > 0) {
            writes.add(link.send(del));
        }
        return Future.join(writes).mapEmpty();
    }

    private void refresh() {
        long now = clock.millis();
        link.send(Request.cmd(Command.EXPIRE).arg(key).arg(TTL.toSeconds())).onSuccess(r -> {
            if (r != null && r.toLong() == 0) {
                // Redis lost the hash (restart): write every record again.
                records.forEach((id, json) -> pending.putIfAbsent(id, Optional.of(json)));
            }
        });
        link.send(Request.cmd(Command.ZADD).arg(NODES).arg(now + TTL.toMillis()).arg(nodeId));
        link.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(NODES).arg("-inf").arg(now));
    }

    @Override
    public Future<ClusterCount> count() {
        return link.send(Request.cmd(Command.ZRANGEBYSCORE).arg(NODES).arg(clock.millis()).arg("+inf"))
                .compose(nodes -> {
                    List<String> names = new ArrayList<>();
                    List<Future<Response>> lens = new ArrayList<>();
                    for (Response n : nodes) {
                        names.add(n.toString());
                        lens.add(link.send(Request.cmd(Command.HLEN).arg(RedisKeys.PREFIX + "presence:" + n)));
                    }
                    return Future.all(lens).map(all -> {
                        Map<String, Long> byNode = new LinkedHashMap<>();
                        long total = 0;
                        for (int i = 0; i < names.size(); i++) {
                            long n = all.<Response>resultAt(i).toLong();
                            byNode.put(names.get(i), n);
                            total += n;
                        }
                        return new ClusterCount(total, byNode);
                    });
                });
    }

    @Override
    public Future<Void> close() {
        vertx.cancelTimer(flushTimer);
        vertx.cancelTimer(refreshTimer);
        pending.clear();
        records.clear();
        return Future.join(link.send(Request.cmd(Command.DEL).arg(key)),
                link.send(Request.cmd(Command.ZREM).arg(NODES).arg(nodeId))).mapEmpty();
    }
}
