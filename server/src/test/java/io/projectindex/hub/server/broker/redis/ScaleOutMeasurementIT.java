package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures two hub nodes on one private redis-server (loopback): the end-to-end latency from a
 * publish on node A to its arrival at a WebSocket client of node B (p50/p99 over sequential
 * publishes), and the publish throughput through Redis with concurrent publishers on both nodes
 * (single-event and 50-event requests), with Redis alone and with PostgreSQL behind it. Bounded:
 * {@code -Dscaleout.latencyEvents} (default 500) and {@code -Dscaleout.seconds} (default 2) per
 * throughput run. Figures go to stdout and {@code target/scaleout-measurement.txt}; the test checks
 * that every event arrived, in order.
 */
class ScaleOutMeasurementIT {
    private static final int LATENCY_EVENTS = Integer.getInteger("scaleout.latencyEvents", 500);
    private static final int SECONDS = Integer.getInteger("scaleout.seconds", 2);
    private static final int PUBLISHERS = Integer.getInteger("scaleout.publishers", 16);

    @Test
    void crossNodeLatencyAndPublishThroughputThroughRedis() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "scale-out measurement: %d latency events, %d s per throughput run, %d publishers,"
                + " %d cores", LATENCY_EVENTS, SECONDS, PUBLISHERS, Runtime.getRuntime().availableProcessors()));
        try (TestHub single = TestHub.start(Map.of("EVENT_HISTORY_MAX_EVENTS", "1000"))) {
            // Baseline: one node, no Redis (memory history), publisher and client on that node.
            report.add("single node, memory history: " + latency(single, single));
            report.add("single node, memory history: " + throughput(single, single, 1));
            report.add("single node, memory history: " + throughput(single, single, 50));
        }
        try (RedisServer redis = RedisServer.start()) {
            measure("redis", redis, null, report);
            assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
            try (PostgresDatabase db = PostgresDatabase.create()) {
                measure("redis+postgres", redis, db, report);
            }
        }
        report.forEach(System.out::println);
        Files.write(Path.of("target", "scaleout-measurement.txt"), report, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private void measure(String name, RedisServer redis, PostgresDatabase db, List<String> report) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("REDIS_URL", redis.url(), "EVENT_HISTORY_MAX_EVENTS", "1000"));
        if (db != null) {
            settings.put("HUB_HISTORY_BACKEND", "postgres");
            settings.put("DATABASE_URL", db.url());
        }
        try (TestHub a = TestHub.start(settings); TestHub b = TestHub.start(settings)) {
            report.add(name + ": " + latency(a, b));
            report.add(name + ": " + throughput(a, b, 1));
            report.add(name + ": " + throughput(a, b, 50));
        }
    }

    /** Sequential publishes on A, each timed until a client on B has it. */
    private String latency(TestHub a, TestHub b) {
        UUID p = UUID.randomUUID();
        WsRecorder client = b.connectWelcomed("");
        client.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
        for (int i = 0; i < 50; i++) {
            a.publish(event(p, i));
        }
        client.awaitEvents(50);
        long[] micros = new long[LATENCY_EVENTS];
        ExecutorService sender = Executors.newSingleThreadExecutor();
        for (int i = 0; i < LATENCY_EVENTS; i++) {
            String body = event(p, i);
            long start = System.nanoTime();
            // The event may reach B before A answers 202 (with PostgreSQL the 202 waits for its insert).
            CompletableFuture<JsonNode> published = CompletableFuture.supplyAsync(() -> a.publish(body), sender);
            JsonNode e = client.awaitEvents(1).get(0);
            micros[i] = (System.nanoTime() - start) / 1000;
            assertThat(e.path("offset").asLong()).isEqualTo(51L + i);
            published.join();
        }
        sender.shutdown();
        client.close();
        Arrays.sort(micros);
        return String.format(Locale.ROOT, (a == b ? "publish -> event at a client of the same node" : "publish on A -> event at a client of B")
                + ": p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
                        + " max %.2f ms (%d sequential publishes)", micros[micros.length / 2] / 1000.0,
                micros[(int) (micros.length * 0.9)] / 1000.0, micros[(int) (micros.length * 0.99)] / 1000.0,
                micros[micros.length - 1] / 1000.0, LATENCY_EVENTS);
    }

    /** Concurrent publishers on both nodes for {@link #SECONDS}; events per request {@code perRequest}. */
    private String throughput(TestHub a, TestHub b, int perRequest) throws Exception {
        UUID[] projects = new UUID[16];
        for (int i = 0; i < projects.length; i++) {
            projects[i] = UUID.randomUUID();
        }
        AtomicLong events = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        long start = System.nanoTime();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int t = 0; t < PUBLISHERS; t++) {
            TestHub hub = t % 2 == 0 ? a : b;
            int seed = t;
            runs.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    UUID p = projects[(seed + i) % projects.length];
                    String body;
                    if (perRequest == 1) {
                        body = event(p, i);
                    } else {
                        List<String> batch = new ArrayList<>(perRequest);
                        for (int k = 0; k < perRequest; k++) {
                            batch.add(event(p, k));
                        }
                        body = "{\"events\":[" + String.join(",", batch) + "]}";
                    }
                    TestHub.Response r = hub.post("/api/v1/project-index/events", body);
                    if (r.status() == 202) {
                        events.addAndGet(perRequest);
                        requests.incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                    }
                }
            }, pool));
        }
        CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).get(SECONDS + 60L, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        assertThat(failures.get()).isZero();
        return String.format(Locale.ROOT, "%d publishers, %d event(s) per request, 16 projects: %.0f events/s (%.0f requests/s)",
                PUBLISHERS, perRequest, events.get() / seconds, requests.get() / seconds);
    }

    private static String event(UUID project, int i) {
        return "{\"type\":\"analysis_progress\",\"data\":{\"session_id\":\"" + UUID.nameUUIDFromBytes(project.toString().getBytes())
                + "\",\"project_id\":\"" + project + "\",\"analysis_type\":\"full\",\"progress_percentage\":" + (i % 100)
                + ",\"files_processed\":" + (i % 100) + ",\"total_files\":100,\"current_file\":\"src/main.py\"}}";
    }
}
