package io.projectindex.hub.server.broker.redis;

import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

import java.util.List;

/**
 * Turns the Redis settings into Vert.x Redis clients: the command client in the configured mode
 * (standalone, sentinel: the current master, cluster: routed by slot), and plain clients for
 * single nodes (the pub/sub connections of a cluster, one per master). Thread-safe (stateless).
 */
public final class RedisConnector {
    /** Commands waiting for their answer on one connection at most (pipeline depth, 10,000). */
    public static final int MAX_PIPELINED = 10_000;
    /** TCP connect timeout (2 s). */
    public static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private final Vertx vertx;
    private final RedisConfig config;

    public RedisConnector(Vertx vertx, RedisConfig config) {
        if (config.endpoints().isEmpty()) {
            throw new ConfigException("REDIS_MODE " + config.mode() + " needs REDIS_URL or the mode's node list");
        }
        for (String e : config.endpoints()) {
            if (!e.startsWith("redis://") && !e.startsWith("rediss://") && !e.startsWith("unix://")) {
                throw new ConfigException("Redis URLs must start with redis://, rediss:// or unix://, was '"
                        + e.replaceAll("//[^@/]*@", "//***@") + "'");
            }
        }
        this.vertx = vertx;
        this.config = config;
    }

    public RedisConfig config() {
        return config;
    }

    /** The client for commands and scripts, in the configured mode. */
    public Redis commandClient() {
        RedisOptions o = base();
        switch (config.mode()) {
            case "cluster" -> o.setType(RedisClientType.CLUSTER);
            case "sentinel" -> o.setType(RedisClientType.SENTINEL).setRole(RedisRole.MASTER)
                    .setMasterName(config.sentinelMaster().orElseThrow());
            default -> o.setType(RedisClientType.STANDALONE);
        }
        List<String> endpoints = config.endpoints();
        o.setConnectionString(endpoints.get(0));
        for (int i = 1; i < endpoints.size(); i++) {
            o.addConnectionString(endpoints.get(i));
        }
        return Redis.createClient(vertx, o);
    }

    /** A client for one node ({@code redis://host:port}), with the configured password. */
    public Redis nodeClient(String endpoint) {
        return Redis.createClient(vertx, base().setType(RedisClientType.STANDALONE).setConnectionString(endpoint));
    }

    /** The scheme and credentials of the configured endpoints, for building node URLs from host:port. */
    public String nodeUrl(String hostPort) {
        String first = config.endpoints().get(0);
        int scheme = first.indexOf("://");
        int at = first.indexOf('@');
        String prefix = first.substring(0, scheme + 3);
        String auth = at > 0 && at > scheme ? first.substring(scheme + 3, at + 1) : "";
        return prefix + auth + hostPort;
    }

    /** Whether the fan-out uses sharded pub/sub (SPUBLISH/SSUBSCRIBE, a cluster) or classic pub/sub. */
    public boolean sharded() {
        return config.cluster();
    }

    public String describe() {
        return config.mode() + " " + config.endpoints().stream().map(e -> e.replaceAll("//[^@/]*@", "//***@")).toList();
    }

    private RedisOptions base() {
        RedisOptions o = new RedisOptions()
                .setNetClientOptions(new NetClientOptions().setTcpKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS))
                .setMaxWaitingHandlers(MAX_PIPELINED)
                .setMaxPoolSize(config.poolSize())
                .setMaxPoolWaiting(1024);
        config.password().ifPresent(o::setPassword);
        return o;
    }
}
