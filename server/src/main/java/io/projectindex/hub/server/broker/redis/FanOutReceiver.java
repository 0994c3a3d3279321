package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.server.hub.Hub;
import io.projectindex.hub.server.stream.ReadRequest;
import io.projectindex.hub.server.stream.StoredEvent;
import io.projectindex.hub.server.stream.StreamPosition;
import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving side of the fan-out on one node: listens to every partition channel on
 * connections of its own (one per master in a Redis Cluster, with sharded pub/sub), decodes each
 * message and passes it through the {@link Sequencer} to this node's {@link Hub}. Thread-safe: its
 * work is confined to one event loop of its own.
 *
 * <p>Design note. Confined to one event-loop context of its own: the sequencer, the connections'
 * handlers, timers and fill answers all run there. A connection that ends is reconnected with
 * backoff (100 ms doubling to 1 s); once every channel is subscribed again the node resyncs: every
 * project active in the last {@link #RESYNC_WINDOW} is compared with Redis (raising Redis' top to
 * what this node delivered, should Redis have lost it) and gaps are filled or reported. While
 * connected, a periodic position check catches a lost last message ({@link #CHECK_INTERVAL}).
 * Fills read the Redis log, then the durable store, one page ({@link #FILL_PAGE}) at a time.
 */
public final class FanOutReceiver {
    private static final Logger log = LoggerFactory.getLogger(FanOutReceiver.class);
    /** Events read per fill request at most (1000). */
    static final int FILL_PAGE = 1000;
    /** Interval of the sequencer's timers (grace periods, retries): 200 ms. */
    static final Duration TICK = Duration.ofMillis(200);
    /** Interval of the position check of recently active projects (5 s). */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);
    /** Projects checked per interval: those active within 30 s, at most 1000. */
    static final Duration CHECK_WINDOW = Duration.ofSeconds(30);
    static final int CHECK_LIMIT = 1000;
    /** After a reconnect, projects active within 10 minutes are resynced, at most 100,000. */
    static final Duration RESYNC_WINDOW = Duration.ofMinutes(10);
    static final int RESYNC_LIMIT = 100_000;
    /** Longest wait between reconnect attempts (1 s): short, so the resync follows Redis' return closely. */
    private static final long MAX_BACKOFF_MILLIS = 1000;
    /** How long a subscribe waits at most for this node to reach the position it read (3 s). */
    static final Duration OBSERVE_TIMEOUT = Duration.ofSeconds(3);
    /** How long Redis may take to confirm the subscriptions (5 s). */
    static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final ContextInternal context;
    private final RedisConnector connector;
    private final RedisHistoryStore history;
    private final RedisKeys keys;
    private final HubClock clock;
    private final Sequencer sequencer;
    private final List<Redis> clients = new ArrayList<>();
    private final List<RedisConnection> connections = new ArrayList<>();
    private final java.util.Set<String> awaitingConfirmation = new java.util.HashSet<>();
    private Promise<Void> confirmation;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final long tickTimer;
    private final long checkTimer;
    private volatile boolean subscribed;
    /** Subscription connections open (one per cluster master), for monitoring. */
    private volatile int connectionCount;
    private boolean flushQueued;
    private boolean connecting;
    private boolean closed;
    private long backoffMillis = 100;
    private boolean everSubscribed;

    public FanOutReceiver(Vertx vertx, RedisConnector connector, RedisHistoryStore history, Hub hub, HubClock clock) {
        this.vertx = vertx;
        this.context = ((VertxInternal) vertx).createEventLoopContext();
        this.connector = connector;
        this.history = history;
        this.keys = history.log().keys();
        this.clock = clock;
        this.sequencer = new Sequencer(new Sequencer.Output() {
            @Override
            public void deliver(List<StoredEvent> events) {
                hub.accept(events);
            }

            @Override
            public void reset(io.projectindex.hub.server.hub.StreamReset reset) {
                log.warn("project {}: live stream reset on this node ({}); continuing after {}:{}", reset.projectId(),
                        reset.reason(), reset.position().epoch(), reset.position().offset());
                hub.reset(reset);
            }

            @Override
            public void fill(UUID project, String epoch, long after, long through, long generation) {
                doFill(project, epoch, after, through, generation);
            }

            @Override
            public void forked(UUID project, StreamPosition delivered) {
                log.error("project {}: an offset up to {}:{} came again as another event: Redis lost writes that were"
                        + " delivered; moving the stream past them", project, delivered.epoch(), delivered.offset());
                history.position(project, delivered, true).onComplete(ar -> context.runOnContext(v -> {
                    if (ar.succeeded()) {
                        sequencer.onPosition(project, ar.result(), Sequencer.Source.CHECK);
                        sequencer.flush();
                    }
                }));
            }
        }, clock);
        hub.positions(this::observed);
        this.tickTimer = vertx.setPeriodic(TICK.toMillis(), id -> context.runOnContext(v -> {
            sequencer.tick();
            sequencer.flush();
        }));
        this.checkTimer = vertx.setPeriodic(CHECK_INTERVAL.toMillis(), id -> context.runOnContext(v -> check()));
    }

    /** Subscribes to every partition channel; completes once subscribed (or fails, retrying in the background). */
    public Future<Void> start() {
        Promise<Void> first = Promise.promise();
        context.runOnContext(v -> connect(first));
        return first.future();
    }

    /** True while every partition channel is subscribed. */
    public boolean subscribed() {
        return subscribed;
    }

    public long received() {
        return received.get();
    }

    // ---------------------------------------------------------------- connections

    private void connect(Promise<Void> done) {
        if (closed || connecting) {
            return;
        }
        connecting = true;
        // Connections are made on this context, so their handlers run here too.
        here(endpoints()).compose(this::subscribeAll).onComplete(ar -> {
            connecting = false;
            if (ar.succeeded()) {
                subscribed = true;
                connectionCount = connections.size();
                backoffMillis = 100;
                log.info("fan-out: subscribed to {} partition channels on {} connection(s){}", keys.partitions(),
                        connections.size(), connector.sharded() ? " (sharded pub/sub)" : "");
                if (everSubscribed) {
                    resync();
                }
                everSubscribed = true;
                if (done != null) {
                    done.tryComplete();
                }
            } else {
                log.warn("fan-out: cannot subscribe ({}); retrying in {} ms", ar.cause().getMessage(), backoffMillis);
                dropConnections();
                if (done != null) {
                    done.tryFail(ar.cause());
                }
                scheduleReconnect();
            }
        });
    }

    /** {@code f}, completing on this receiver's context. */
    private <T> Future<T> here(Future<T> f) {
        Promise<T> p = Promise.promise();
        f.onComplete(ar -> context.runOnContext(v -> p.handle(ar)));
        return p.future();
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        long delay = backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        vertx.setTimer(delay, id -> context.runOnContext(v -> connect(null)));
    }

    /** The partition channels to subscribe, by the node URL to subscribe them on. */
    private Future<Map<String, List<String>>> endpoints() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!connector.sharded()) {
            List<String> all = new ArrayList<>();
            for (int p = 0; p < keys.partitions(); p++) {
                all.add(keys.channel(p));
            }
            out.put("", all);
            return Future.succeededFuture(out);
        }
        return history.log().link().send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(slots -> {
            for (int p = 0; p < keys.partitions(); p++) {
                String channel = keys.channel(p);
                int slot = RedisKeys.slot(channel);
                String master = null;
                for (Response range : slots) {
                    if (slot >= range.get(0).toInteger() && slot <= range.get(1).toInteger()) {
                        master = range.get(2).get(0).toString() + ":" + range.get(2).get(1).toInteger();
                    }
                }
                if (master == null) {
                    throw new IllegalStateException("no cluster node serves slot " + slot + " of " + channel);
                }
                out.computeIfAbsent(connector.nodeUrl(master), k -> new ArrayList<>()).add(channel);
            }
            return out;
        });
    }

    private Future<Void> subscribeAll(Map<String, List<String>> byEndpoint) {
        dropConnections();
        awaitingConfirmation.clear();
        Promise<Void> confirmed = Promise.promise();
        confirmation = confirmed;
        for (List<String> channels : byEndpoint.values()) {
            awaitingConfirmation.addAll(channels);
        }
        long timer = vertx.setTimer(SUBSCRIBE_TIMEOUT.toMillis(), id -> context.runOnContext(v -> confirmed.tryFail(
                "no subscription confirmed within " + SUBSCRIBE_TIMEOUT.toMillis() + " ms for " + awaitingConfirmation.size()
                        + " channels")));
        List<Future<Void>> all = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byEndpoint.entrySet()) {
            Redis client = e.getKey().isEmpty() ? connector.commandClient() : connector.nodeClient(e.getKey());
            clients.add(client);
            all.add(client.connect().compose(conn -> {
                connections.add(conn);
                conn.handler(this::onPush);
                conn.exceptionHandler(t -> context.runOnContext(v -> lost(conn, t.getMessage())));
                conn.endHandler(v -> context.runOnContext(x -> lost(conn, "connection closed")));
                List<Future<Response>> sent = new ArrayList<>();
                if (connector.sharded()) {
                    // SSUBSCRIBE takes channels of one slot per call.
                    for (String channel : e.getValue()) {
                        sent.add(conn.send(Request.cmd(Command.SSUBSCRIBE).arg(channel)));
                    }
                } else {
                    Request subscribe = Request.cmd(Command.SUBSCRIBE);
                    e.getValue().forEach(subscribe::arg);
                    sent.add(conn.send(subscribe));
                }
                return Future.all(sent).<Void>mapEmpty();
            }));
        }
        // The subscriptions count once Redis confirmed each channel (errors come back as pushes too).
        return Future.all(all).compose(v -> confirmed.future()).onComplete(ar -> vertx.cancelTimer(timer));
    }

    private void lost(RedisConnection conn, String why) {
        if (closed || !connections.contains(conn)) {
            return;
        }
        subscribed = false;
        log.warn("fan-out: subscription connection lost ({}); reconnecting", why);
        dropConnections();
        scheduleReconnect();
    }

    private void dropConnections() {
        List<RedisConnection> conns = new ArrayList<>(connections);
        List<Redis> cls = new ArrayList<>(clients);
        connections.clear();
        clients.clear();
        for (RedisConnection c : conns) {
            c.close();
        }
        for (Redis c : cls) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- messages

    private void onPush(Response r) {
        if (r != null && r.type() == io.vertx.redis.client.ResponseType.ERROR) {
            Promise<Void> c = confirmation;
            if (c != null) {
                c.tryFail("Redis refused a subscription: " + r);
            }
            return;
        }
        if (r == null || r.size() < 3) {
            return;
        }
        String kind = r.get(0).toString();
        if (kind.equals("subscribe") || kind.equals("ssubscribe")) {
            if (awaitingConfirmation.remove(r.get(1).toString()) && awaitingConfirmation.isEmpty() && confirmation != null) {
                confirmation.tryComplete();
            }
            return;
        }
        if (kind.equals("sunsubscribe") && subscribed) {
            // A slot moved to another node (resharding, failover): subscribe again from scratch.
            context.runOnContext(v -> connections.stream().findFirst().ifPresent(c -> lost(c, "slot moved")));
            return;
        }
        if (!kind.equals("message") && !kind.equals("smessage")) {
            return;
        }
        StoredEvent e;
        try {
            e = EventMessage.decode(r.get(2).toBytes());
        } catch (RuntimeException ex) {
            malformed.incrementAndGet();
            log.error("fan-out: dropped an unreadable message on {}: {}", r.get(1), ex.getMessage());
            return;
        }
        received.incrementAndGet();
        sequencer.onMessage(e);
        if (!flushQueued) {
            // Everything that arrives in the same read goes to the hub as one batch.
            flushQueued = true;
            context.runOnContext(v -> {
                flushQueued = false;
                sequencer.flush();
            });
        }
    }

    // ---------------------------------------------------------------- positions

    /**
     * A subscribe read {@code head}: the project's sequence starts there if unknown; if this node
     * has not handed on everything up to it yet (messages in flight, or a gap being filled), the
     * subscribe waits — at most {@link #OBSERVE_TIMEOUT} — so those events reach it while it holds
     * live events and are merged with what it read, instead of arriving twice after it.
     */
    private CompletionStage<Void> observed(UUID project, StreamPosition head) {
        Promise<Void> p = Promise.promise();
        context.runOnContext(v -> {
            sequencer.onPosition(project, head, Sequencer.Source.SUBSCRIBE);
            sequencer.flush();
            long timer = vertx.setTimer(OBSERVE_TIMEOUT.toMillis(), id -> {
                if (p.tryComplete()) {
                    log.warn("fan-out: project {} not at {}:{} on this node after {} ms; the subscription proceeds", project,
                            head.epoch(), head.offset(), OBSERVE_TIMEOUT.toMillis());
                }
            });
            sequencer.awaitOffset(project, head.offset(), () -> {
                vertx.cancelTimer(timer);
                p.tryComplete();
            });
        });
        return p.future().toCompletionStage();
    }

    /** Compares recently active projects with Redis, to catch a lost last message. */
    private void check() {
        if (!subscribed || closed) {
            return;
        }
        Map<UUID, StreamPosition> active = sequencer.activeSince(clock.nanoTime() - CHECK_WINDOW.toNanos(), CHECK_LIMIT);
        for (UUID project : active.keySet()) {
            history.log().ensure(project, null, null, "raise").onComplete(ar -> context.runOnContext(v -> {
                if (ar.succeeded() && ar.result() != null) {
                    sequencer.onPosition(project, ar.result(), Sequencer.Source.CHECK);
                }
            }));
        }
    }

    /**
     * After a reconnect: every recently active project is compared with Redis. Its top is raised
     * to what this node delivered (so no offset is handed out twice if Redis lost writes), a
     * missing stream is recreated (from the durable store, or in a new epoch), and the sequencer
     * fills or reports the difference.
     */
    private void resync() {
        Map<UUID, StreamPosition> active = sequencer.activeSince(clock.nanoTime() - RESYNC_WINDOW.toNanos(), RESYNC_LIMIT);
        log.info("fan-out: resyncing {} recently active projects", active.size());
        resyncBatch(new ArrayList<>(active.entrySet()), 0);
    }

    private void resyncBatch(List<Map.Entry<UUID, StreamPosition>> all, int from) {
        if (from >= all.size() || closed) {
            return;
        }
        int to = Math.min(all.size(), from + 100);
        List<Future<StreamPosition>> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Map.Entry<UUID, StreamPosition> e = all.get(i);
            batch.add(history.position(e.getKey(), e.getValue()).onComplete(ar -> context.runOnContext(v -> {
                if (ar.succeeded()) {
                    sequencer.onPosition(e.getKey(), ar.result(), Sequencer.Source.CHECK);
                }
            })));
        }
        Future.join(batch).onComplete(ar -> context.runOnContext(v -> resyncBatch(all, to)));
    }

    // ---------------------------------------------------------------- fills

    private void doFill(UUID project, String epoch, long after, long through, long generation) {
        int want = (int) Math.min(through - after, FILL_PAGE);
        history.log().read(project, after, -1, EventType.ALL, want).compose(r -> {
            List<StoredEvent> fromLog = inEpoch(r.events(), epoch, through);
            boolean complete = !fromLog.isEmpty() && fromLog.get(0).offset() == after + 1;
            if (complete || history.durable() == null || !r.exists() || !epoch.equals(r.epoch())) {
                return Future.succeededFuture(fromLog);
            }
            return history.durable().read(ReadRequest.afterOffset(project, after, EventType.ALL, want)).map(d -> {
                List<StoredEvent> merged = new ArrayList<>(inEpoch(d.events(), epoch, through));
                long last = merged.isEmpty() ? after : merged.get(merged.size() - 1).offset();
                for (StoredEvent e : fromLog) {
                    if (e.offset() > last && merged.size() < want) {
                        merged.add(e);
                    }
                }
                return merged;
            });
        }).onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed()) {
                log.warn("fan-out: filling {} after {} failed ({}); retrying", project, after, ar.cause().getMessage());
                sequencer.onFillFailed(project, generation);
            } else {
                List<StoredEvent> events = ar.result();
                long completeThrough = events.size() >= want ? events.get(events.size() - 1).offset() : through;
                sequencer.onFilled(project, generation, events, completeThrough);
            }
            sequencer.flush();
        }));
    }

    private static List<StoredEvent> inEpoch(List<StoredEvent> events, String epoch, long through) {
        List<StoredEvent> out = new ArrayList<>(events.size());
        for (StoredEvent e : events) {
            if (e.epoch().equals(epoch) && e.offset() <= through) {
                out.add(e);
            }
        }
        return out;
    }

    /** Counters for monitoring: messages received, unreadable, and the sequencer's. */
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subscribed", subscribed);
        m.put("connections", connectionCount);
        m.put("messages_received", received.get());
        m.put("messages_unreadable", malformed.get());
        Sequencer.Counts c = sequencer.counts();
        m.put("events_delivered", c.delivered);
        m.put("duplicates_dropped", c.duplicates);
        m.put("gaps_detected", c.gaps);
        m.put("events_filled", c.filled);
        m.put("gaps_lost", c.lost);
        m.put("epoch_changes", c.epochChanges);
        m.put("buffer_overflows", c.overflows);
        m.put("reused_offsets", c.forks);
        return m;
    }

    public Future<Void> close() {
        Promise<Void> p = Promise.promise();
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(checkTimer);
        context.runOnContext(v -> {
            closed = true;
            subscribed = false;
            dropConnections();
            p.complete();
        });
        return p.future();
    }
}
