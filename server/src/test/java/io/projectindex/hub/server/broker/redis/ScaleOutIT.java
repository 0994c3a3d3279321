package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hub nodes in this JVM, on different ports, sharing one private redis-server (Redis-only
 * history): events published through any node reach the clients of every node in offset order,
 * exactly once; offsets stay contiguous under concurrent publishers on all nodes; a client resumes
 * on another node; presence counts the whole cluster.
 */
class ScaleOutIT {
    private static RedisServer redis;
    private static TestHub a;
    private static TestHub b;
    private static TestHub c;
    private static ExecutorService publishers;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        a = node("node-a");
        b = node("node-b");
        c = node("node-c");
        publishers = Executors.newFixedThreadPool(6);
    }

    @AfterAll
    static void stop() {
        publishers.shutdownNow();
        for (TestHub h : new TestHub[]{a, b, c}) {
            if (h != null) {
                h.close();
            }
        }
        redis.close();
    }

    static TestHub node(String name) {
        return TestHub.start(Map.of("REDIS_URL", redis.url(), "HUB_NODE_ID", name));
    }

    private static String subscribe(UUID p, String extra) {
        return "{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"" + extra + "}";
    }

    /** Publishes {@code count} events through {@code hub}, one request each; returns the acknowledged ids in order. */
    private static CompletableFuture<List<String>> publishAll(TestHub hub, UUID project, int count, String tag) {
        return CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = i % 5 == 0 ? Events.dependency(project, tag + "/f" + i + ".py")
                        : Events.progress(project, UUID.randomUUID(), i % 100);
                ids.add(hub.publish(body).path("accepted").get(0).path("id").asText());
            }
            return ids;
        }, publishers);
    }

    @Test
    void aClientOnOneNodeReceivesEventsPublishedThroughTwoOtherNodesConcurrentlyInOrderAndExactlyOnce() throws Exception {
        UUID p = UUID.randomUUID();
        WsRecorder client = b.connectWelcomed("");
        JsonNode ack = client.request(subscribe(p, ""));
        String epoch = ack.path("data").path("epoch").asText();
        assertThat(ack.path("data").path("offset").asLong()).isZero();

        CompletableFuture<List<String>> viaA = publishAll(a, p, 150, "a");
        CompletableFuture<List<String>> viaC = publishAll(c, p, 150, "c");
        List<String> fromA = viaA.get(60, TimeUnit.SECONDS);
        List<String> fromC = viaC.get(60, TimeUnit.SECONDS);

        List<JsonNode> got = client.awaitEvents(300);
        client.assertNoMoreFrames(Duration.ofMillis(300));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).path("offset").asLong()).as("offset of the %d-th event", i).isEqualTo(i + 1L);
            assertThat(got.get(i).path("epoch").asText()).isEqualTo(epoch);
            assertThat(got.get(i).has("replay")).isFalse();
            ids.add(got.get(i).path("id").asText());
        }
        assertThat(new HashSet<>(ids)).hasSize(300);
        Set<String> expected = new HashSet<>(fromA);
        expected.addAll(fromC);
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        // Each publisher's events keep their publish order in the merged stream.
        assertThat(ids.stream().filter(fromA::contains).toList()).isEqualTo(fromA);
        assertThat(ids.stream().filter(fromC::contains).toList()).isEqualTo(fromC);
        client.close();
    }

    @Test
    void offsetsStayContiguousUnderConcurrentPublishersOnAllNodesAndEveryNodeSeesTheSameSequence() throws Exception {
        UUID p = UUID.randomUUID();
        UUID q = UUID.randomUUID();
        List<WsRecorder> clients = new ArrayList<>();
        for (TestHub h : new TestHub[]{a, b, c}) {
            WsRecorder r = h.connectWelcomed("");
            r.request(subscribe(p, ""));
            clients.add(r);
        }
        List<CompletableFuture<List<JsonNode>>> runs = new ArrayList<>();
        for (TestHub h : new TestHub[]{a, b, c}) {
            for (UUID project : new UUID[]{p, q}) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    List<JsonNode> acks = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        String body = Events.batch(List.of(Events.progress(project, UUID.randomUUID(), i),
                                Events.updated(project), Events.dependency(project, "x" + i)));
                        h.publish(body).path("accepted").forEach(acks::add);
                    }
                    return acks;
                }, publishers));
            }
        }
        Map<String, List<Long>> offsets = new HashMap<>();
        for (CompletableFuture<List<JsonNode>> run : runs) {
            for (JsonNode accepted : run.get(60, TimeUnit.SECONDS)) {
                offsets.computeIfAbsent(accepted.path("project_id").asText(), k -> new ArrayList<>())
                        .add(accepted.path("offset").asLong());
            }
        }
        for (UUID project : new UUID[]{p, q}) {
            List<Long> l = offsets.get(project.toString());
            Collections.sort(l);
            assertThat(l).hasSize(180);
            for (int i = 0; i < l.size(); i++) {
                assertThat(l.get(i)).isEqualTo(i + 1L);
            }
        }
        List<String> first = null;
        for (WsRecorder r : clients) {
            List<String> seq = r.awaitEvents(180).stream().map(e -> e.path("offset").asLong() + ":" + e.path("id").asText())
                    .toList();
            for (int i = 0; i < seq.size(); i++) {
                assertThat(seq.get(i)).startsWith((i + 1) + ":");
            }
            if (first == null) {
                first = seq;
            } else {
                assertThat(seq).isEqualTo(first);
            }
            r.assertNoMoreFrames(Duration.ofMillis(200));
            r.close();
        }
    }

    @Test
    void aClientThatLeavesOneNodeResumesOnAnotherWithExactlyTheMissedEventsThenLiveOnes() {
        UUID p = UUID.randomUUID();
        WsRecorder onA = a.connectWelcomed("");
        String epoch = onA.request(subscribe(p, "")).path("data").path("epoch").asText();
        for (int i = 0; i < 3; i++) {
            c.publish(Events.updated(p));
        }
        assertThat(onA.awaitEvents(3).get(2).path("offset").asLong()).isEqualTo(3);
        onA.close();

        List<String> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            missed.add(c.publish(Events.progress(p, UUID.randomUUID(), i * 10)).path("accepted").get(0).path("id").asText());
        }
        WsRecorder onB = b.connectWelcomed("");
        JsonNode ack = onB.request(subscribe(p, ",\"since_offset\":3,\"epoch\":\"" + epoch + "\""));
        assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
        assertThat(ack.path("data").path("offset").asLong()).isEqualTo(8);
        List<JsonNode> replayed = onB.awaitEvents(5);
        assertThat(replayed).extracting(e -> e.path("offset").asLong()).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(replayed).extracting(e -> e.path("id").asText()).containsExactlyElementsOf(missed);
        assertThat(replayed).allSatisfy(e -> assertThat(e.path("replay").asBoolean()).isTrue());

        a.publish(Events.updated(p));
        JsonNode live = onB.awaitEvents(1).get(0);
        assertThat(live.path("offset").asLong()).isEqualTo(9);
        assertThat(live.has("replay")).isFalse();
        onB.assertNoMoreFrames(Duration.ofMillis(200));
        onB.close();
    }

    @Test
    void everyNodeCountsTheConnectionsOfTheWholeCluster() {
        List<WsRecorder> open = new CopyOnWriteArrayList<>();
        open.add(a.connectWelcomed("client_id=one"));
        open.add(b.connectWelcomed("client_id=two"));
        open.add(b.connectWelcomed("client_id=three"));
        open.add(c.connectWelcomed("client_id=four"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode body = c.get("/api/v1/project-index/websocket/connections").json();
            assertThat(body.path("summary").path("active_connections").asInt()).isEqualTo(1);
            assertThat(body.path("cluster").path("active_connections").asInt()).isEqualTo(4);
            assertThat(body.path("cluster").path("by_node").path("node-b").asInt()).isEqualTo(2);
        });
        open.forEach(WsRecorder::close);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(a.get("/api/v1/project-index/websocket/connections").json().path("cluster")
                        .path("active_connections").asInt()).isZero());
    }
}
