package io.projectindex.hub.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Positions are contiguous per project under concurrency; replay by offset and by time pages through history exactly. */
class OffsetsAndReplayIT {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void offsetsAreContiguousUnderEightConcurrentPublishers() throws Exception {
        UUID p = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            results.add(pool.submit(() -> {
                List<Long> offsets = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    String body = i % 5 == 0
                            ? Events.batch(List.of(Events.updated(p), Events.updated(other), Events.dependency(p, "f" + i)))
                            : Events.progress(p, UUID.randomUUID(), i);
                    for (JsonNode a : hub.publish(body).path("accepted")) {
                        if (a.path("project_id").asText().equals(p.toString())) {
                            offsets.add(a.path("offset").asLong());
                        }
                    }
                }
                return offsets;
            }));
        }
        Set<Long> all = new TreeSet<>();
        int count = 0;
        for (Future<List<Long>> f : results) {
            List<Long> offsets = f.get(60, TimeUnit.SECONDS);
            count += offsets.size();
            all.addAll(offsets);
        }
        pool.shutdown();
        assertThat(count).isEqualTo(8 * (40 + 10 * 2));
        assertThat(all).hasSize(count);
        assertThat(all).first().isEqualTo(1L);
        assertThat(all).last().isEqualTo((long) count);

        // history holds them in offset order, oldest first
        JsonNode history = hub.get("/api/v1/project-index/events?project_id=" + p + "&limit=1000").json();
        List<Long> stored = new ArrayList<>();
        history.path("events").forEach(e -> stored.add(e.path("offset").asLong()));
        assertThat(stored).hasSize(count).isSorted();
    }

    @Test
    void replayByOffsetPagesThroughTheWholeHistoryWithHasMore() {
        UUID p = UUID.randomUUID();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            bodies.add(i % 3 == 0 ? Events.updated(p) : Events.progress(p, UUID.randomUUID(), i % 100));
        }
        for (int i = 0; i < bodies.size(); i += 50) {
            hub.publish(Events.batch(bodies.subList(i, i + 50)));
        }
        WsRecorder ws = hub.connectWelcomed("");
        List<Long> seen = new ArrayList<>();
        long since = 0;
        String epoch = null;
        boolean more = true;
        int pages = 0;
        while (more) {
            ws.send("{\"action\":\"replay\",\"project_id\":\"" + p + "\",\"since_offset\":" + since
                    + (epoch == null ? "" : ",\"epoch\":\"" + epoch + "\"") + ",\"max_events\":100}");
            JsonNode done;
            while (true) {
                JsonNode f = ws.awaitJson();
                if (f.path("type").asText().equals("replay_complete")) {
                    done = f.path("data");
                    break;
                }
                assertThat(f.path("replay").asBoolean()).isTrue();
                seen.add(f.path("offset").asLong());
            }
            pages++;
            epoch = done.path("epoch").asText();
            more = done.path("has_more").asBoolean();
            assertThat(done.path("recovered").asBoolean()).isTrue();
            if (done.path("events_replayed").asInt() > 0) {
                assertThat(done.path("from_offset").asLong()).isEqualTo(since + 1);
                since = done.path("to_offset").asLong();
            }
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(250);
        for (int i = 0; i < 250; i++) {
            assertThat(seen.get(i)).isEqualTo(i + 1L);
        }
        ws.close();
    }

    @Test
    void replayByTypeAndByTimeReturnsExactlyTheMatchingEvents() {
        UUID p = UUID.randomUUID();
        hub.publish(Events.updated(p));
        hub.publish(Events.dependency(p, "a.py"));
        JsonNode third = hub.publish(Events.updated(p)).path("accepted").get(0);
        // The fourth event must be stamped in a later millisecond, or "after the third" is empty.
        awaitClockPast(third.path("timestamp").asText());
        hub.publish(Events.context(p));
        WsRecorder ws = hub.connectWelcomed("");
        ws.send("{\"action\":\"replay\",\"project_id\":\"" + p + "\",\"event_types\":[\"project_index_updated\"]}");
        List<JsonNode> updates = ws.awaitEvents(2);
        assertThat(updates).extracting(e -> e.path("offset").asLong()).containsExactly(1L, 3L);
        JsonNode done = ws.awaitType("replay_complete").path("data");
        assertThat(done.path("events_replayed").asInt()).isEqualTo(2);
        assertThat(done.path("to_offset").asLong()).isEqualTo(3);

        // strictly after the third event's timestamp: only events with a later timestamp
        String since = third.path("timestamp").asText();
        ws.send("{\"action\":\"replay\",\"project_id\":\"" + p + "\",\"since\":\"" + since + "\"}");
        List<Long> after = new ArrayList<>();
        JsonNode f;
        while (!(f = ws.awaitJson()).path("type").asText().equals("replay_complete")) {
            assertThat(f.path("timestamp").asText()).isGreaterThan(since);
            after.add(f.path("offset").asLong());
        }
        JsonNode all = hub.get("/api/v1/project-index/events?project_id=" + p).json().path("events");
        List<Long> expected = new ArrayList<>();
        all.forEach(e -> {
            if (e.path("timestamp").asText().compareTo(since) > 0) {
                expected.add(e.path("offset").asLong());
            }
        });
        assertThat(expected).containsExactly(4L);
        assertThat(after).isEqualTo(expected);
        ws.close();
    }

    static void awaitClockPast(String timestamp) {
        long stamped = java.time.Instant.parse(timestamp).toEpochMilli();
        org.awaitility.Awaitility.await().pollInterval(java.time.Duration.ofMillis(1)).atMost(java.time.Duration.ofSeconds(2))
                .until(() -> System.currentTimeMillis() > stamped);
    }

    @Test
    void replayWithAStaleEpochSaysSo() {
        UUID p = UUID.randomUUID();
        hub.publish(Events.updated(p));
        WsRecorder ws = hub.connectWelcomed("");
        JsonNode done = ws.request("{\"action\":\"replay\",\"project_id\":\"" + p + "\",\"since_offset\":0,\"epoch\":\"zzzzzzzz\"}");
        assertThat(done.path("type").asText()).isEqualTo("replay_complete");
        assertThat(done.path("data").path("recovered").asBoolean()).isFalse();
        assertThat(done.path("data").path("reason").asText()).isEqualTo("epoch_changed");
        assertThat(done.path("data").path("events_replayed").asInt()).isZero();
        ws.close();
    }
}
