package io.projectindex.hub.server.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Redis for shared streams, recent history and fan-out across hub nodes; off when no URL (or no
 * cluster or sentinel node list) is set.
 *
 * @param url            the standalone server ({@code redis://[:password@]host:port[/db]}); in
 *                       cluster mode a seed node, in sentinel mode a sentinel, when the lists are empty
 * @param mode           {@code standalone}, {@code cluster} or {@code sentinel}
 * @param clusterNodes   seed nodes of a Redis Cluster
 * @param sentinelMaster the master name the sentinels watch
 * @param sentinelNodes  the sentinels
 * @param password       password for every node when the URLs carry none
 * @param partitions     fan-out channels (and key hash tags); every node must use the same number
 * @param timeout        longest a command may take before the call fails as unavailable
 * @param idempotencyTtl how long an event id is remembered for idempotent republishing
 * @param poolSize       connections the hub's command client may open to Redis (pub/sub has its own)
 */
public record RedisConfig(Optional<String> url, String mode, List<String> clusterNodes, Optional<String> sentinelMaster,
                          List<String> sentinelNodes, Optional<String> password, int partitions, Duration timeout,
                          Duration idempotencyTtl, int poolSize) {
    /** Fan-out partitions (16). */
    public static final int DEFAULT_PARTITIONS = 16;
    /** Command timeout (5000 ms). */
    public static final int DEFAULT_TIMEOUT_MS = 5000;
    /** Idempotency window (86,400 s = 24 h). */
    public static final int DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400;
    /** Command connections per node (8). */
    public static final int DEFAULT_POOL_SIZE = 8;

    public static final Setting<String> URL = Setting.secret("REDIS_URL", "--redis-url",
            "Redis URL (redis://[:password@]host:port[/db]); turns on multi-node mode");
    public static final Setting<String> MODE = Setting.choice("REDIS_MODE", "--redis-mode", "standalone",
            List.of("standalone", "cluster", "sentinel"), "how to reach Redis");
    public static final Setting<String> CLUSTER_NODES = Setting.secret("REDIS_CLUSTER_NODES", "--redis-cluster-nodes",
            "comma-separated redis:// URLs of Redis Cluster seed nodes (REDIS_MODE=cluster)");
    public static final Setting<String> SENTINEL_MASTER = Setting.text("REDIS_SENTINEL_MASTER", "--redis-sentinel-master",
            null, "master name watched by the sentinels (REDIS_MODE=sentinel)");
    public static final Setting<String> SENTINEL_NODES = Setting.secret("REDIS_SENTINEL_NODES", "--redis-sentinel-nodes",
            "comma-separated redis:// URLs of the sentinels (REDIS_MODE=sentinel)");
    public static final Setting<String> PASSWORD = Setting.secret("REDIS_PASSWORD", "--redis-password",
            "password for Redis nodes whose URL carries none");
    public static final Setting<Integer> PARTITIONS = Setting.integer("REDIS_PARTITIONS", "--redis-partitions",
            DEFAULT_PARTITIONS, 1, 1024, "fan-out channels and key hash tags; the same on every node");
    public static final Setting<Integer> TIMEOUT_MS = Setting.integer("REDIS_TIMEOUT_MS", "--redis-timeout-ms",
            DEFAULT_TIMEOUT_MS, 100, 600_000, "longest a Redis command may take, in milliseconds");
    public static final Setting<Integer> IDEMPOTENCY_TTL_SECONDS = Setting.integer("REDIS_IDEMPOTENCY_TTL_SECONDS",
            "--redis-idempotency-ttl-seconds", DEFAULT_IDEMPOTENCY_TTL_SECONDS, 60, 365 * 86_400,
            "how long Redis remembers an event id for idempotent republishing, in seconds");
    public static final Setting<Integer> POOL_SIZE = Setting.integer("REDIS_POOL_SIZE", "--redis-pool-size",
            DEFAULT_POOL_SIZE, 1, 256, "connections a node's command client may open to Redis (pub/sub has its own)");

    public static final List<Setting<?>> SETTINGS = List.of(URL, MODE, CLUSTER_NODES, SENTINEL_MASTER, SENTINEL_NODES,
            PASSWORD, PARTITIONS, TIMEOUT_MS, IDEMPOTENCY_TTL_SECONDS, POOL_SIZE);

    public RedisConfig {
        clusterNodes = List.copyOf(clusterNodes);
        sentinelNodes = List.copyOf(sentinelNodes);
        if (mode.equals("sentinel") && enabledFor(url, clusterNodes, sentinelNodes) && sentinelMaster.isEmpty()) {
            throw new ConfigException("REDIS_MODE sentinel needs REDIS_SENTINEL_MASTER");
        }
    }

    static RedisConfig from(SettingValues v) {
        return new RedisConfig(v.optional(URL).filter(s -> !s.isBlank()), v.get(MODE), list(v.optional(CLUSTER_NODES)),
                v.optional(SENTINEL_MASTER).filter(s -> !s.isBlank()), list(v.optional(SENTINEL_NODES)),
                v.optional(PASSWORD).filter(s -> !s.isBlank()), v.get(PARTITIONS), Duration.ofMillis(v.get(TIMEOUT_MS)),
                Duration.ofSeconds(v.get(IDEMPOTENCY_TTL_SECONDS)), v.get(POOL_SIZE));
    }

    /** True when the hub runs in multi-node mode. */
    public boolean enabled() {
        return enabledFor(url, clusterNodes, sentinelNodes);
    }

    /** The endpoints to give the Redis client: the mode's list, or the URL. */
    public List<String> endpoints() {
        List<String> list = mode.equals("cluster") ? clusterNodes : mode.equals("sentinel") ? sentinelNodes : List.of();
        return list.isEmpty() ? url.map(List::of).orElse(List.of()) : list;
    }

    public boolean cluster() {
        return mode.equals("cluster");
    }

    private static boolean enabledFor(Optional<String> url, List<String> clusterNodes, List<String> sentinelNodes) {
        return url.isPresent() || !clusterNodes.isEmpty() || !sentinelNodes.isEmpty();
    }

    private static List<String> list(Optional<String> text) {
        return text.map(t -> Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }
}
