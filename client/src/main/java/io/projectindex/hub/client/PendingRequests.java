package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Requests sent on the current connection and waiting for their one reply (PROTOCOL §3), keyed
 * by the correlation id this client put on each. A request that outlives its deadline fails with
 * {@link HubTimeoutException} but stays registered until its reply arrives or the connection
 * ends, so a late reply is recognised (and dropped) rather than mistaken for another's. Confined
 * to the dispatcher thread.
 */
final class PendingRequests {

    /** What to do with a request's reply. Called on the dispatcher thread. */
    interface ReplyHandler {
        void onReply(FrameDecoder.Control reply);

        /** An {@code error} reply ({@link HubErrorException}), a timeout, or the connection's end. */
        void onFailure(HubException failure);
    }

    /** For requests nobody waits on. */
    static final ReplyHandler IGNORE = new ReplyHandler() {
        @Override
        public void onReply(FrameDecoder.Control reply) {
        }

        @Override
        public void onFailure(HubException failure) {
        }
    };

    /**
     * A handler that completes {@code f} with the reply read by {@code read}, or with the failure;
     * with {@code connectionLossIsSuccess} a lost connection completes it with null.
     */
    static <T> ReplyHandler completing(CompletableFuture<T> f, Function<FrameDecoder.Control, T> read,
                                                          boolean connectionLossIsSuccess) {
        return new ReplyHandler() {
            @Override
            public void onReply(FrameDecoder.Control reply) {
                try {
                    f.complete(read.apply(reply));
                } catch (ProtocolException e) {
                    f.completeExceptionally(new HubException("unreadable " + reply.type() + ": " + e.getMessage()));
                }
            }

            @Override
            public void onFailure(HubException failure) {
                if (connectionLossIsSuccess && failure instanceof HubConnectionException) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(failure);
                }
            }
        };
    }

    private static final class Pending {
        final String action;
        final ReplyHandler handler;
        final long deadlineNanos;
        boolean timedOut;

        Pending(String action, ReplyHandler handler, long deadlineNanos) {
            this.action = action;
            this.handler = handler;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Duration timeout;
    private final int max;
    private long seq;

    PendingRequests(Duration timeout, int max) {
        this.timeout = timeout;
        this.max = max;
    }

    /** True when another application request may be sent ({@code max} are not yet waiting). */
    boolean hasRoom() {
        return pending.size() < max;
    }

    int size() {
        return pending.size();
    }

    /**
     * Sends {@code message} ({@code action} first, then its fields, then a fresh correlation id)
     * on {@code session} and registers {@code handler} for its reply.
     */
    void send(Session session, String action, ObjectNode fields, ReplyHandler handler) {
        String correlationId = "c" + (++seq);
        ObjectNode message = Json.object();
        message.put("action", action);
        message.setAll(fields);
        message.put("correlation_id", correlationId);
        pending.put(correlationId, new Pending(action, handler, System.nanoTime() + timeout.toNanos()));
        session.send(Json.write(message));
    }

    /** True if {@code correlationId} names a request sent on this connection and not yet answered. */
    boolean awaits(String correlationId) {
        return correlationId != null && pending.containsKey(correlationId);
    }

    /** Hands a reply to its request; false if it answers nothing this client is waiting for. */
    boolean complete(FrameDecoder.Control reply, HubErrorException error) {
        if (reply.correlationId() == null) {
            return false;
        }
        Pending p = pending.remove(reply.correlationId());
        if (p == null) {
            return false;
        }
        if (!p.timedOut) {
            if (error != null) {
                p.handler.onFailure(error);
            } else {
                p.handler.onReply(reply);
            }
        }
        return true;
    }

    /** Fails every request past its deadline (once each). */
    void expire(long nowNanos) {
        List<Pending> expired = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (!p.timedOut && nowNanos - p.deadlineNanos > 0) {
                p.timedOut = true;
                expired.add(p);
            }
        }
        for (Pending p : expired) {
            p.handler.onFailure(new HubTimeoutException(
                    p.action + " got no reply within " + timeout.toMillis() + " ms (" + pending.size() + " requests waiting)"));
        }
    }

    /** The connection ended: every waiting request fails with {@code failure}. */
    void failAll(HubException failure) {
        List<Pending> all = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending p : all) {
            if (!p.timedOut) {
                p.handler.onFailure(failure);
            }
        }
    }
}
