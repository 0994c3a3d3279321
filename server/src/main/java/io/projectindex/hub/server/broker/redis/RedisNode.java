package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.broker.Cluster;
import io.projectindex.hub.server.broker.PublishLimiter;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.hub.Hub;
import io.projectindex.hub.server.stream.DurableHistoryStore;
import io.projectindex.hub.server.time.HubClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one hub node runs in multi-node mode, wired and started together: the command link,
 * the history ({@link RedisHistoryStore}), the broker with its fan-out receiver, the shared
 * publish rate limit and presence. Thread-safe.
 */
public final class RedisNode {
    private static final Logger log = LoggerFactory.getLogger(RedisNode.class);

    private final RedisConnector connector;
    private final RedisHistoryStore history;
    private final RedisBroker broker;
    private final Cluster cluster;
    private final int partitions;

    private RedisNode(RedisConnector connector, RedisHistoryStore history, RedisBroker broker, Cluster cluster,
                      int partitions) {
        this.connector = connector;
        this.history = history;
        this.broker = broker;
        this.cluster = cluster;
        this.partitions = partitions;
    }

    /**
     * Builds the node's Redis side (nothing is contacted yet; see {@link #start}).
     *
     * @param durable the shared durable store (PostgreSQL), or null for Redis-only history
     */
    public static RedisNode create(Vertx vertx, HubConfig config, HubClock clock, DurableHistoryStore durable, Hub hub) {
        RedisConnector connector = new RedisConnector(vertx, config.redis());
        RedisLink link = new RedisLink(vertx, connector.commandClient(), config.redis().timeout(), connector.describe());
        RedisKeys keys = new RedisKeys(config.redis().partitions());
        RedisLog redisLog = new RedisLog(link, keys, connector.sharded(), clock, true, config.history().maxEventsPerProject(),
                config.history().ttl(), config.redis().idempotencyTtl());
        RedisHistoryStore history = new RedisHistoryStore(vertx, redisLog, durable, connector.sharded());
        FanOutReceiver receiver = new FanOutReceiver(vertx, connector, history, hub, clock);
        PublishLimiter limiter = config.publish().rateLimited()
                ? new RedisPublishLimiter(link, config.publish().rateLimitPerSecond(), config.publish().rateBurst())
                : PublishLimiter.NONE;
        Cluster cluster = new Cluster(limiter, new RedisPresence(vertx, clock, link, config.server().nodeId()));
        return new RedisNode(connector, history, new RedisBroker(history, receiver), cluster, keys.partitions());
    }

    /**
     * Checks that this node shares the key layout of the others (the partition count), then
     * subscribes to the fan-out channels. Fails if Redis cannot be reached now; later outages are
     * survived.
     */
    public Future<Void> start() {
        RedisLink link = history.log().link();
        String layout = RedisKeys.config();
        return link.send(Request.cmd(Command.HSETNX).arg(layout).arg("partitions").arg(partitions))
                .compose(x -> link.send(Request.cmd(Command.HGET).arg(layout).arg("partitions")))
                .compose(stored -> {
                    if (stored != null && stored.toInteger() != partitions) {
                        return Future.failedFuture(new ConfigException("REDIS_PARTITIONS is " + partitions
                                + " but the nodes already using this Redis use " + stored.toInteger()
                                + "; every node must use the same value"));
                    }
                    return broker.receiver().start();
                })
                .onSuccess(v -> log.info("multi-node mode: Redis {} ({} partitions), history {}", connector.describe(),
                        partitions, history.backend()));
    }

    public RedisHistoryStore history() {
        return history;
    }

    public RedisBroker broker() {
        return broker;
    }

    public Cluster cluster() {
        return cluster;
    }
}
