package io.projectindex.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.PersistenceLevel;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.stream.AppendResult;
import io.projectindex.hub.server.stream.ContentHash;
import io.projectindex.hub.server.stream.HistoryStore;
import io.projectindex.hub.server.stream.HistoryStores;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.time.HubClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sustained history appends per second through the production store shape (memory tier in front
 * of SQLite or PostgreSQL), as the publish path uses it: each of 64 publisher threads appends one
 * event and waits until it is durable (what a 202 waits for); group commit batches what arrives
 * meanwhile. Events are {@code analysis_progress} of the original design's size, over 16 projects.
 *
 * <p>Run: {@code ./mvnw -q -B -pl bench -am package -DskipTests && java -jar bench/target/benchmarks.jar HistoryAppend}
 * (PostgreSQL at 127.0.0.1:5432, user postgres, trust auth; a scratch database is created and dropped).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(64)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class HistoryAppendBenchmark {
    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    private static final int PROJECTS = 16;

    @Param({"sqlite", "postgres"})
    public String backend;

    private HistoryStore store;
    private Path dir;
    private String database;
    private UUID[] projects;
    private JsonNode[] data;

    @Setup(Level.Trial)
    public void open() throws Exception {
        // Keep JMH's iteration lines readable.
        for (String name : List.of("io.projectindex", "com.zaxxer", "org.flywaydb")) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
                l.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("HUB_HISTORY_BACKEND", backend);
        settings.put("WEBSOCKET_LOG_LEVEL", "warn");
        dir = Files.createTempDirectory("hub-bench-");
        settings.put("HUB_DATA_DIR", dir.toString());
        if (backend.equals("postgres")) {
            database = "hub_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            admin("CREATE DATABASE " + database);
            settings.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/" + database);
        }
        store = HistoryStores.openBlocking(HubConfig.of(settings), HubClock.SYSTEM, new SimpleMeterRegistry());
        projects = new UUID[PROJECTS];
        data = new JsonNode[PROJECTS];
        for (int i = 0; i < PROJECTS; i++) {
            projects[i] = UUID.randomUUID();
            data[i] = Json.readTree("""
                    {"session_id":"%s","project_id":"%s","analysis_type":"full","progress_percentage":42,
                     "files_processed":42,"total_files":100,"current_file":"src/main.py",
                     "estimated_completion":"2025-01-15T12:05:00Z","processing_rate":2.5,
                     "performance_metrics":{"memory_usage_mb":150.0,"cpu_usage_percent":45.0,"parallel_tasks":4},
                     "errors_encountered":0,"last_error":null}
                    """.formatted(UUID.randomUUID(), projects[i]));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        store.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        if (database != null) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public AppendResult appendOneDurably() {
        int i = ThreadLocalRandom.current().nextInt(PROJECTS);
        UUID id = UUID.randomUUID();
        EventType type = EventType.ANALYSIS_PROGRESS;
        String correlation = id.toString();
        JsonNode d = data[i];
        NewEvent e = new NewEvent(type, id, projects[i], d, EventData.view(type, d), Json.writeBytes(d), correlation,
                PersistenceLevel.SHORT_TERM, type.defaultPriority(),
                ContentHash.ofContent(type, d, correlation, PersistenceLevel.SHORT_TERM));
        List<AppendResult> r = store.append(List.of(e), events -> { }).toCompletionStage().toCompletableFuture().join();
        return r.get(0);
    }

    private static void admin(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
