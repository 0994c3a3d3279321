package io.projectindex.hub.server.stream.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.HubProcessMain;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hub on PostgreSQL killed with SIGKILL while publishes are in flight loses nothing it
 * acknowledged: a new hub replays every acknowledged event at the offset it was acknowledged with,
 * in one epoch, with contiguous offsets.
 */
class PostgresCrashIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int PUBLISHERS = 4;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 400;

    private record Ack(String id, long offset, String epoch) {
    }

    @Test
    void everyAcknowledgedPublishSurvivesKillMinusNineOfTheHubProcess() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create()) {
            Process hub = startHubProcess(db.url());
            int port;
            try {
                port = awaitPort(hub);
            } catch (RuntimeException e) {
                hub.destroyForcibly();
                throw e;
            }
            UUID project = UUID.randomUUID();
            List<Ack> acked = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<Void>> publishers = new ArrayList<>();
            for (int i = 0; i < PUBLISHERS; i++) {
                publishers.add(CompletableFuture.runAsync(() -> publishUntilRefused(port, project, acked, stop)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acked.size() < ACKNOWLEDGED_BEFORE_KILL && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            hub.destroyForcibly();
            assertThat(hub.waitFor(30, TimeUnit.SECONDS)).isTrue();
            stop.set(true);
            CompletableFuture.allOf(publishers.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            assertThat(acked.size()).isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);

            try (TestHub restarted = TestHub.start(Map.of("HUB_HISTORY_BACKEND", "postgres", "DATABASE_URL", db.url()))) {
                Map<String, JsonNode> stored = new HashMap<>();
                List<Long> offsets = new ArrayList<>();
                String epoch = null;
                long after = 0;
                boolean more = true;
                while (more) {
                    JsonNode page = restarted.get("/api/v1/project-index/events?project_id=" + project
                            + "&since_offset=" + after + "&limit=1000").json();
                    epoch = page.path("epoch").asText();
                    for (JsonNode e : page.path("events")) {
                        stored.put(e.path("id").asText(), e);
                        offsets.add(e.path("offset").asLong());
                        after = e.path("offset").asLong();
                    }
                    more = page.path("has_more").asBoolean();
                }
                for (int i = 0; i < offsets.size(); i++) {
                    assertThat(offsets.get(i)).as("offset at index %d", i).isEqualTo(i + 1L);
                }
                for (Ack a : acked) {
                    JsonNode e = stored.get(a.id);
                    assertThat(e).as("acknowledged event %s", a).isNotNull();
                    assertThat(e.path("offset").asLong()).isEqualTo(a.offset);
                    assertThat(a.epoch).isEqualTo(epoch);
                }
                JsonNode next = restarted.publish(Events.updated(project)).path("accepted").get(0);
                assertThat(next.path("offset").asLong()).isEqualTo(offsets.size() + 1L);
                assertThat(next.path("epoch").asText()).isEqualTo(epoch);
            }
        }
    }

    private static void publishUntilRefused(int port, UUID project, List<Ack> acked, AtomicBoolean stop) {
        UUID session = UUID.randomUUID();
        for (int i = 0; !stop.get() && i < 100_000; i++) {
            String body = i % 4 == 0 ? Events.batch(List.of(Events.progress(project, session, i % 100),
                    Events.dependency(project, "src/f" + i + ".py"))) : Events.progress(project, session, i % 100);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/project-index/events"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> r;
            try {
                r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                return; // the hub is gone
            }
            if (r.statusCode() != 202) {
                continue;
            }
            for (JsonNode a : Json.readTree(r.body()).path("accepted")) {
                acked.add(new Ack(a.path("id").asText(), a.path("offset").asLong(), a.path("epoch").asText()));
            }
        }
    }

    private static Process startHubProcess(String databaseUrl) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, HubProcessMain.class.getName(),
                "HUB_HISTORY_BACKEND=postgres", "DATABASE_URL=" + databaseUrl);
        pb.redirectErrorStream(true);
        return pb.start();
    }

    /** Reads the child's output (into target/) until it says its port. */
    private static int awaitPort(Process hub) throws Exception {
        Path log = Files.createDirectories(Path.of("target", "hub-process")).resolve("postgres-crash-" + hub.pid() + ".log");
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    if (line.startsWith("HUB_PORT=")) {
                        port.complete(Integer.parseInt(line.substring("HUB_PORT=".length()).trim()));
                    }
                }
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("hub process ended without a port; see " + log));
        }, "hub-process-output");
        reader.setDaemon(true);
        reader.start();
        return port.get(60, TimeUnit.SECONDS);
    }
}
