package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's command connection to Redis (standalone, sentinel-managed master, or cluster): one
 * long-lived connection on which every command is pipelined (Redis answers in order, so a
 * caller's callbacks run in the order Redis executed the commands). A connection that fails is
 * dropped and the next command connects again, so the hub recovers by itself when Redis is back.
 * Every command fails after {@code timeout} at the latest. Failures are
 * {@link HistoryUnavailableException} (503 with Retry-After, {@code REPLAY_UNAVAILABLE}), except
 * error replies of Redis itself, which are passed on. Thread-safe.
 */
public final class RedisLink {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    /** Retry-After told to callers while Redis cannot be reached. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Vertx vertx;
    /** The event loop every command is sent from and every answer handled on. */
    private final Context context;
    private final Redis client;
    private final Duration timeout;
    private final String describe;
    private final AtomicReference<Future<RedisConnection>> current = new AtomicReference<>();
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile boolean closed;

    public RedisLink(Vertx vertx, Redis client, Duration timeout, String describe) {
        this.vertx = vertx;
        this.context = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
        this.client = client;
        this.timeout = timeout;
        this.describe = describe;
    }

    /** Sends one command; completes on the link's event loop, in the order Redis answered. */
    public Future<Response> send(Request request) {
        if (closed) {
            return Future.failedFuture(unavailable("the Redis link is closed", null));
        }
        Promise<Response> result = Promise.promise();
        if (Vertx.currentContext() == context) {
            sendHere(request, result);
        } else {
            // Sent from the link's own loop, so every answer is handled there, in Redis' order
            // (a promise made on another thread would call back on a loop of its own).
            context.runOnContext(v -> sendHere(request, result));
        }
        return result.future();
    }

    private void sendHere(Request request, Promise<Response> result) {
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (result.tryFail(unavailable("no answer from Redis within " + timeout.toMillis() + " ms", null))) {
                drop(null, "timeout");
            }
        });
        Future<RedisConnection> c = connection();
        c.onComplete(ca -> {
            if (ca.failed()) {
                vertx.cancelTimer(timer);
                drop(c, ca.cause().getMessage());
                result.tryFail(unavailable("cannot connect to Redis: " + ca.cause().getMessage(), ca.cause()));
                return;
            }
            RedisConnection conn = ca.result();
            conn.send(request).onComplete(ar -> {
                vertx.cancelTimer(timer);
                if (ar.succeeded()) {
                    markUp();
                    result.tryComplete(ar.result());
                } else if (ar.cause() instanceof ErrorType e && !connectionLevel(e)) {
                    markUp();
                    result.tryFail(e);
                } else {
                    drop(c, ar.cause().getMessage());
                    result.tryFail(unavailable("Redis command failed: " + ar.cause().getMessage(), ar.cause()));
                }
            });
        });
    }

    /**
     * Runs {@code work} on the link's loop (inline if already there). Whatever it attaches to the
     * commands it sends is then attached before their answers can be handled, so callbacks run in
     * Redis' order; attached later, from another thread, they could run on that thread instead.
     */
    public <T> Future<T> onLoop(java.util.function.Supplier<Future<T>> work) {
        if (Vertx.currentContext() == context) {
            return work.get();
        }
        Promise<T> p = Promise.promise();
        context.runOnContext(v -> work.get().onComplete(p));
        return p.future();
    }

    /** {@code f}, completing on the link's loop (so what is chained to it runs there). */
    public <T> Future<T> here(Future<T> f) {
        Promise<T> p = Promise.promise();
        f.onComplete(ar -> {
            if (Vertx.currentContext() == context) {
                p.handle(ar);
            } else {
                context.runOnContext(v -> p.handle(ar));
            }
        });
        return p.future();
    }

    /** Succeeds when Redis answers a PING. */
    public Future<Void> ping() {
        return send(Request.cmd(Command.PING)).mapEmpty();
    }

    /** True while the last attempt to reach Redis failed. */
    public boolean down() {
        return down.get();
    }

    private Future<RedisConnection> connection() {
        while (true) {
            Future<RedisConnection> f = current.get();
            if (f != null && !f.failed()) {
                return f;
            }
            Future<RedisConnection> next = client.connect();
            if (current.compareAndSet(f, next)) {
                next.onSuccess(conn -> {
                    conn.exceptionHandler(t -> drop(next, t.getMessage()));
                    conn.endHandler(v -> drop(next, "connection closed"));
                });
                return next;
            }
            next.onSuccess(RedisConnection::close);
        }
    }

    /** Forgets a broken connection (the one behind {@code f}, or whichever is current when null). */
    private void drop(Future<RedisConnection> f, String why) {
        Future<RedisConnection> c = f != null ? f : current.get();
        if (c != null && current.compareAndSet(c, null)) {
            if (down.compareAndSet(false, true)) {
                log.warn("Redis ({}) unreachable: {}; commands fail with 503 until it answers again", describe, why);
            }
            c.onSuccess(conn -> conn.close());
        }
    }

    private void markUp() {
        if (down.compareAndSet(true, false)) {
            log.warn("Redis ({}) answers again", describe);
        }
    }

    /** Error replies that mean this connection cannot serve writes now (replica, loading, failover). */
    private static boolean connectionLevel(ErrorType e) {
        return e.is("READONLY") || e.is("LOADING") || e.is("MASTERDOWN") || e.is("CLUSTERDOWN");
    }

    static HistoryUnavailableException unavailable(String message, Throwable cause) {
        return new HistoryUnavailableException("Redis unavailable: " + message, RETRY_AFTER, cause);
    }

    public Future<Void> close() {
        closed = true;
        Future<RedisConnection> c = current.getAndSet(null);
        if (c != null) {
            c.onSuccess(RedisConnection::close);
        }
        return client.close();
    }
}
