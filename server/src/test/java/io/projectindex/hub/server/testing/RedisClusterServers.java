package io.projectindex.hub.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of three masters (no replicas) made of private {@code redis-server}s on free
 * ports, joined with {@code redis-cli --cluster create}; ready once every node reports
 * {@code cluster_state:ok}. Not thread-safe.
 */
public final class RedisClusterServers implements AutoCloseable {
    private final List<RedisServer> nodes;

    private RedisClusterServers(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    public static RedisClusterServers start() {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServer.start(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000")));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (RedisServer n : nodes) {
                create.add("127.0.0.1:" + n.port());
            }
            create.add("--cluster-yes");
            String out = run(create);
            if (!out.contains("[OK] All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + out);
            }
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                for (RedisServer n : nodes) {
                    if (!run(List.of("redis-cli", "-p", Integer.toString(n.port()), "cluster", "info"))
                            .contains("cluster_state:ok")) {
                        return false;
                    }
                }
                return true;
            });
            return new RedisClusterServers(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    /** The seed URLs, comma-separated ({@code REDIS_CLUSTER_NODES}). */
    public String urls() {
        return String.join(",", nodes.stream().map(RedisServer::url).toList());
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(command + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
