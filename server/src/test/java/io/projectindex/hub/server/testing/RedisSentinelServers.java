package io.projectindex.hub.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A master, one replica and one sentinel watching them as {@code mymaster}, all private
 * {@code redis-server}s on free ports; ready once the sentinel knows the replica (so a failover
 * can be asked for). Not thread-safe.
 */
public final class RedisSentinelServers implements AutoCloseable {
    public static final String MASTER_NAME = "mymaster";

    private final RedisServer master;
    private final RedisServer replica;
    private final RedisServer sentinel;

    private RedisSentinelServers(RedisServer master, RedisServer replica, RedisServer sentinel) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    public static RedisSentinelServers start() {
        RedisServer master = RedisServer.start();
        RedisServer replica = null;
        RedisServer sentinel = null;
        try {
            replica = RedisServer.start(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            Path conf = Files.createTempFile("sentinel-", ".conf");
            Files.writeString(conf, "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1\n"
                    + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
                    + "sentinel failover-timeout " + MASTER_NAME + " 5000\n");
            sentinel = RedisServer.sentinel(conf);
            RedisServer s = sentinel;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> s.cli("SENTINEL", "REPLICAS", MASTER_NAME).contains("127.0.0.1"));
            return new RedisSentinelServers(master, replica, sentinel);
        } catch (IOException | RuntimeException e) {
            master.close();
            if (replica != null) {
                replica.close();
            }
            if (sentinel != null) {
                sentinel.close();
            }
            throw new IllegalStateException("cannot start the sentinel setup", e);
        }
    }

    public String sentinelUrl() {
        return sentinel.url();
    }

    public RedisServer master() {
        return master;
    }

    public RedisServer replica() {
        return replica;
    }

    /** Asks the sentinel to promote the replica now. */
    public void failover() throws IOException {
        String answer = sentinel.command("SENTINEL FAILOVER " + MASTER_NAME);
        if (!answer.startsWith("+OK")) {
            throw new IllegalStateException("SENTINEL FAILOVER answered " + answer);
        }
    }

    @Override
    public void close() {
        sentinel.close();
        replica.close();
        master.close();
    }
}
