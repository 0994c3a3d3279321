package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.RedisClusterServers;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two hub nodes on a Redis Cluster of three masters started on this machine: the projects' keys
 * and channels spread over the masters by their partition tags, fan-out goes over sharded
 * pub/sub, and publish, delivery, resume and all-or-nothing conflicts work across slots.
 */
class RedisClusterIT {
    private static RedisClusterServers cluster;
    private static TestHub a;
    private static TestHub b;

    @BeforeAll
    static void start() {
        cluster = RedisClusterServers.start();
        Map<String, String> settings = Map.of("REDIS_MODE", "cluster", "REDIS_CLUSTER_NODES", cluster.urls(),
                "EVENT_HISTORY_MAX_EVENTS", "1000");
        a = TestHub.start(withNode(settings, "cluster-a"));
        b = TestHub.start(withNode(settings, "cluster-b"));
    }

    private static Map<String, String> withNode(Map<String, String> s, String node) {
        Map<String, String> m = new java.util.HashMap<>(s);
        m.put("HUB_NODE_ID", node);
        return m;
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        cluster.close();
    }

    /** Projects whose partitions live on different cluster masters (slots spread over the 3 masters). */
    private static List<UUID> projectsOnDifferentSlots(int n) {
        RedisKeys keys = new RedisKeys(16);
        Set<Integer> partitions = new HashSet<>();
        List<UUID> out = new ArrayList<>();
        while (out.size() < n) {
            UUID p = UUID.randomUUID();
            if (partitions.add(RedisKeys.slot(keys.channel(p)) / 5462)) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void eachNodeListensWithOneShardedSubscriptionConnectionPerMaster() {
        for (TestHub h : List.of(a, b)) {
            Map<String, Object> stats = ((RedisBroker) h.server().services().broker()).receiver().stats();
            assertThat(stats.get("subscribed")).isEqualTo(true);
            assertThat(stats.get("connections")).isEqualTo(3);
        }
    }

    @Test
    void eventsOfProjectsOnEveryMasterReachAClientOnTheOtherNodeInOrderAndResumeWorks() {
        List<UUID> projects = projectsOnDifferentSlots(3);
        WsRecorder client = b.connectWelcomed("");
        List<String> epochs = new ArrayList<>();
        for (UUID p : projects) {
            epochs.add(client.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}").path("data").path("epoch").asText());
        }
        for (int i = 0; i < 20; i++) {
            List<String> batch = new ArrayList<>();
            for (UUID p : projects) {
                batch.add(Events.progress(p, UUID.randomUUID(), i));
            }
            a.publish(Events.batch(batch));
        }
        List<JsonNode> got = client.awaitEvents(60);
        for (int k = 0; k < projects.size(); k++) {
            String project = projects.get(k).toString();
            List<Long> offsets = got.stream().filter(e -> e.path("data").path("project_id").asText().equals(project))
                    .map(e -> e.path("offset").asLong()).toList();
            assertThat(offsets).hasSize(20);
            for (int i = 0; i < 20; i++) {
                assertThat(offsets.get(i)).isEqualTo(i + 1L);
            }
        }
        client.close();

        UUID p = projects.get(1);
        for (int i = 0; i < 4; i++) {
            b.publish(Events.updated(p));
        }
        WsRecorder resumed = a.connectWelcomed("");
        JsonNode ack = resumed.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\",\"since_offset\":20,\"epoch\":\""
                + epochs.get(1) + "\"}");
        assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
        assertThat(resumed.awaitEvents(4)).extracting(e -> e.path("offset").asLong()).containsExactly(21L, 22L, 23L, 24L);
        b.publish(Events.updated(p));
        assertThat(resumed.awaitEvents(1).get(0).path("offset").asLong()).isEqualTo(25);
        resumed.assertNoMoreFrames(Duration.ofMillis(200));
        resumed.close();
    }

    @Test
    void aRequestSpanningSlotsIsAllOrNothingOnAConflictAndIdempotentOnARepeat() {
        List<UUID> projects = projectsOnDifferentSlots(2);
        UUID id = UUID.randomUUID();
        String first = Events.updated(projects.get(0)).replaceFirst("\\{", "{\"id\":\"" + id + "\",");
        JsonNode stored = a.publish(first).path("accepted").get(0);

        String fresh = Events.updated(projects.get(1));
        String conflicting = Events.dependency(projects.get(0), "src/other.py").replaceFirst("\\{", "{\"id\":\"" + id + "\",");
        TestHub.Response refused = b.post("/api/v1/project-index/events", Events.batch(List.of(fresh, conflicting)));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        JsonNode empty = a.get("/api/v1/project-index/events?project_id=" + projects.get(1)).json();
        assertThat(empty.path("events")).as("nothing of the refused request was stored").isEmpty();

        JsonNode again = b.publish(Events.batch(List.of(fresh, first))).path("accepted");
        assertThat(again.get(0).path("offset").asLong()).isEqualTo(1);
        assertThat(again.get(1).path("duplicate").asBoolean()).isTrue();
        assertThat(again.get(1).path("offset").asLong()).isEqualTo(stored.path("offset").asLong());
    }
}
