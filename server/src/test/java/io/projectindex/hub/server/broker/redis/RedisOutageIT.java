package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis is killed with SIGKILL during a steady publish and restarted empty on the same port, under
 * two nodes with a client each (resuming on the other node whenever closed). Every publish that was
 * acknowledged reaches every client or is reported to it by a {@code recovered:false} resume —
 * never a silent hole; publishes during the outage are answered 503 with Retry-After; readiness
 * fails during the outage and recovers after it; no client is closed while Redis is away. Without
 * a durable store the stream restarts in a new epoch: each client is closed with 4010 and told
 * {@code epoch_changed}, nothing else. With PostgreSQL the epoch and the offsets survive the Redis
 * restart and the clients are neither closed nor told anything was lost (docs/operations.md,
 * "What happens when something fails").
 */
class RedisOutageIT {

    private record Ack(String id, String epoch, long offset) {
    }

    /** A publisher that keeps publishing through the nodes in turn and records every answer. */
    private static final class SteadyPublisher implements AutoCloseable {
        final List<Ack> acked = new CopyOnWriteArrayList<>();
        final AtomicInteger unavailable = new AtomicInteger();
        final List<String> badRetryAfter = new CopyOnWriteArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final CompletableFuture<Void> run;

        SteadyPublisher(List<TestHub> nodes, UUID project) {
            run = CompletableFuture.runAsync(() -> {
                UUID session = UUID.randomUUID();
                for (int i = 0; !stop.get(); i++) {
                    TestHub hub = nodes.get(i % nodes.size());
                    TestHub.Response r;
                    try {
                        r = hub.post("/api/v1/project-index/events", Events.progress(project, session, i % 100));
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (r.status() == 202) {
                        JsonNode a = r.json().path("accepted").get(0);
                        acked.add(new Ack(a.path("id").asText(), a.path("epoch").asText(), a.path("offset").asLong()));
                    } else if (r.status() == 503) {
                        unavailable.incrementAndGet();
                        if (r.header("Retry-After") == null) {
                            badRetryAfter.add(r.body());
                        }
                    }
                }
            });
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            run.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void killMinusNineOfRedisLosesNoAcknowledgedEventSilentlyAndTheStreamRestartsInANewEpoch() throws Exception {
        outage(null);
    }

    @Test
    void withPostgresqlTheEpochAndEveryAcknowledgedEventSurviveKillMinusNineOfRedis() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create()) {
            outage(db);
        }
    }

    private void outage(PostgresDatabase db) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Map<String, String> settings = new HashMap<>(Map.of("REDIS_URL", redis.url(), "REDIS_TIMEOUT_MS", "2000",
                    "EVENT_HISTORY_MAX_EVENTS", "100000"));
            if (db != null) {
                settings.put("HUB_HISTORY_BACKEND", "postgres");
                settings.put("DATABASE_URL", db.url());
            }
            settings.put("HUB_NODE_ID", "node-a");
            TestHub a = TestHub.start(settings);
            settings.put("HUB_NODE_ID", "node-b");
            TestHub b = TestHub.start(settings);
            List<TestHub> nodes = List.of(a, b);
            UUID project = UUID.randomUUID();
            try (ContinuityClient onA = new ContinuityClient(nodes, 0, project).start();
                 ContinuityClient onB = new ContinuityClient(nodes, 1, project).start()) {
                List<Ack> acked;
                int outageAnswers;
                try (SteadyPublisher publisher = new SteadyPublisher(nodes, project)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> publisher.acked.size() >= 200);
                    redis.kill();
                    int beforeOutage = publisher.acked.size();

                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                            .until(() -> publisher.unavailable.get() > 0);
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> a.get("/readyz").status() == 503 && b.get("/readyz").status() == 503);
                    JsonNode checks = a.get("/readyz").json().path("checks");
                    assertThat(checks.toString()).contains("redis_connectivity");

                    // Connected clients stay connected while Redis is away: nothing closes them.
                    assertThat(onA.closes()).as("closes of client A during the outage").isEmpty();
                    assertThat(onB.closes()).as("closes of client B during the outage").isEmpty();

                    redis.restart();
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                            .until(() -> a.get("/readyz").status() == 200 && b.get("/readyz").status() == 200);
                    await().atMost(Duration.ofSeconds(30)).until(() -> publisher.acked.size() >= beforeOutage + 200);
                    outageAnswers = publisher.unavailable.get();
                    assertThat(publisher.badRetryAfter).as("every 503 carries Retry-After").isEmpty();
                    publisher.close();
                    acked = List.copyOf(publisher.acked);
                }
                assertThat(outageAnswers).isPositive();

                JsonNode last = a.publish(Events.updated(project)).path("accepted").get(0);
                String finalEpoch = last.path("epoch").asText();
                long finalOffset = last.path("offset").asLong();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    assertThat(onA.reached(finalEpoch, finalOffset)).as("client A at %s", onA.position()).isTrue();
                    assertThat(onB.reached(finalEpoch, finalOffset)).as("client B at %s", onB.position()).isTrue();
                });

                for (ContinuityClient client : List.of(onA, onB)) {
                    assertThat(client.violations()).as("continuity violations").isEmpty();
                    List<Ack> missing = new ArrayList<>();
                    for (Ack ack : acked) {
                        if (!client.received(ack.id) && !client.reportedLost(ack.epoch, ack.offset)) {
                            missing.add(ack);
                        }
                    }
                    assertThat(missing).as("acknowledged events neither received nor reported (reports %s, closes %s)",
                            client.reports(), client.closeCodes()).isEmpty();
                }
                String firstEpoch = acked.get(0).epoch;
                for (ContinuityClient client : List.of(onA, onB)) {
                    if (db != null) {
                        // The stream is rebuilt from PostgreSQL in the same epoch and every gap is filled:
                        // the clients never learn of the outage.
                        assertThat(client.closes()).as("closes (reports %s)", client.reports()).isEmpty();
                        assertThat(client.reports()).as("recovered:false resumes").isEmpty();
                    } else {
                        // Redis-only: the stream lost its history, so it starts a new epoch; the only way
                        // a client learns of it is a 4010 close and an epoch_changed resume.
                        assertThat(client.closeCodes()).as("close codes (%s)", client.closes()).isNotEmpty().containsOnly(4010);
                        assertThat(client.closes()).allSatisfy(c -> assertThat(c).contains("epoch_changed"));
                        assertThat(client.reports()).as("recovered:false resumes").isNotEmpty()
                                .extracting(ContinuityClient.Report::reason).containsOnly("epoch_changed");
                        assertThat(client.reports()).as("every report leaves the old epoch for the new one")
                                .allSatisfy(r -> {
                                    assertThat(r.fromEpoch()).isEqualTo(firstEpoch);
                                    assertThat(r.toEpoch()).isEqualTo(finalEpoch);
                                });
                    }
                }
                if (db != null) {
                    assertThat(acked).extracting(Ack::epoch).as("the epoch survives the Redis restart").containsOnly(firstEpoch);
                    assertThat(finalEpoch).isEqualTo(firstEpoch);
                    List<Long> offsets = acked.stream().map(Ack::offset).sorted().toList();
                    assertThat(offsets).doesNotHaveDuplicates();
                    // Everything acknowledged is in the durable store, readable from any node.
                    JsonNode page = b.get("/api/v1/project-index/events?project_id=" + project + "&since_offset=0&limit=1000")
                            .json();
                    List<String> stored = new ArrayList<>();
                    page.path("events").forEach(e -> stored.add(e.path("id").asText()));
                    assertThat(stored).containsAll(acked.stream().map(Ack::id).limit(900).toList());
                } else {
                    assertThat(finalEpoch).as("Redis alone lost the stream: a new epoch").isNotEqualTo(firstEpoch);
                }
            } finally {
                b.close();
                a.close();
            }
        }
    }
}
