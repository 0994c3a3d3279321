package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node really misses fan-out messages: Redis drops its subscription connection ({@code CLIENT
 * KILL}) and events are published before the node has subscribed again (its first reconnect waits
 * 100 ms), so they never reach it over pub/sub. Its client still gets every offset once, in order,
 * without a reset: the node fills the gap from the Redis log. The other node received everything.
 */
class LostFanOutMessageIT {
    private static final int BEFORE = 5;
    private static final int MISSED = 5;
    private static final int AFTER = 5;
    private static final int TOTAL = BEFORE + MISSED + AFTER;

    @Test
    void aNodeWhoseSubscriptionDroppedFillsTheMissedEventsFromTheRedisLogAndItsClientSeesContiguousOffsets() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            TestHub a = TestHub.start(Map.of("REDIS_URL", redis.url(), "HUB_NODE_ID", "node-a"));
            TestHub b = TestHub.start(Map.of("REDIS_URL", redis.url(), "HUB_NODE_ID", "node-b"));
            try {
                UUID project = UUID.randomUUID();
                WsRecorder onA = a.subscribedToNewProject(project);
                WsRecorder onB = b.subscribedToNewProject(project);
                publish(a, project, BEFORE);
                assertThat(offsets(onA.awaitEvents(BEFORE))).containsExactlyElementsOf(range(1, BEFORE));
                assertThat(offsets(onB.awaitEvents(BEFORE))).containsExactlyElementsOf(range(1, BEFORE));

                // One node's subscription connection goes; what is published next does not reach that node.
                List<String> pubsub = redis.cli("CLIENT", "LIST", "TYPE", "pubsub").lines().filter(l -> l.startsWith("id="))
                        .toList();
                assertThat(pubsub).as("one subscription connection per node").hasSize(2);
                String id = pubsub.get(0).substring(3, pubsub.get(0).indexOf(' '));
                assertThat(redis.command("CLIENT KILL ID " + id)).isEqualTo(":1");
                publish(b, project, MISSED);

                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> a.get("/readyz").status() == 200 && b.get("/readyz").status() == 200);
                publish(a, project, AFTER);

                for (WsRecorder client : List.of(onA, onB)) {
                    List<JsonNode> events = client.awaitEvents(TOTAL - BEFORE);
                    assertThat(offsets(events)).as("offsets").containsExactlyElementsOf(range(BEFORE + 1, TOTAL));
                    assertThat(events).extracting(e -> e.path("epoch").asText()).containsOnly(events.get(0).path("epoch").asText());
                    client.assertNoMoreFrames(Duration.ofMillis(300));
                }

                // Exactly one node missed messages, and it filled exactly those from history, losing none.
                JsonNode fa = fanOut(a);
                JsonNode fb = fanOut(b);
                JsonNode missed = fa.path("messages_received").asLong() < TOTAL ? fa : fb;
                JsonNode other = missed == fa ? fb : fa;
                assertThat(other.path("messages_received").asLong()).as("the other node %s", other).isEqualTo(TOTAL);
                assertThat(other.path("events_filled").asLong()).as("the other node %s", other).isZero();
                long lost = TOTAL - missed.path("messages_received").asLong();
                assertThat(lost).as("messages the node missed (%s)", missed).isPositive();
                assertThat(missed.path("events_filled").asLong()).as("events filled (%s)", missed).isEqualTo(lost);
                assertThat(missed.path("gaps_lost").asLong()).isZero();
                assertThat(missed.path("epoch_changes").asLong()).isZero();
                onA.close();
                onB.close();
            } finally {
                b.close();
                a.close();
            }
        }
    }

    private static void publish(TestHub hub, UUID project, int count) {
        UUID session = UUID.randomUUID();
        for (int i = 0; i < count; i++) {
            hub.publish(Events.progress(project, session, i));
        }
    }

    private static JsonNode fanOut(TestHub hub) {
        return hub.get("/api/v1/project-index/websocket/debug/internal-state").json().path("fan_out");
    }

    private static List<Long> offsets(List<JsonNode> events) {
        return events.stream().map(e -> e.path("offset").asLong()).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
