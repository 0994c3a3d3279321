package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.broker.Broker;
import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.NewEvent;
import io.vertx.core.Future;

import java.util.List;

/**
 * Multi-node broker: a publish is one Redis script per request (per slot in a cluster) that
 * assigns the positions, stores the events and publishes them on their partition channels, then
 * (with a durable store) one durable insert; every node, this one included, receives them from the
 * channels ({@link FanOutReceiver}) and hands them to its hub in offset order. Thread-safe.
 */
public final class RedisBroker implements Broker {
    private final RedisHistoryStore history;
    private final FanOutReceiver receiver;

    public RedisBroker(RedisHistoryStore history, FanOutReceiver receiver) {
        this.history = history;
        this.receiver = receiver;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Future<List<AppendResult>> publish(List<NewEvent> events) {
        // Fan-out goes through the channels, to every node alike.
        return history.append(events, stored -> {
        });
    }

    /** Ready when Redis answers and every partition channel is subscribed. */
    @Override
    public Future<Void> ping() {
        return history.log().link().ping().compose(v -> receiver.subscribed() ? Future.succeededFuture()
                : Future.failedFuture(RedisLink.unavailable("the fan-out channels are not subscribed", null)));
    }

    @Override
    public java.util.Map<String, Object> stats() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(receiver.stats());
        m.put("durable_writes_waiting_for_retry", history.pendingDurable());
        return m;
    }

    public FanOutReceiver receiver() {
        return receiver;
    }

    @Override
    public Future<Void> close() {
        return receiver.close();
    }
}
