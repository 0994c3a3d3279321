package io.projectindex.hub.server.broker.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.RedisServer;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two hub nodes on one private redis-server and one fresh PostgreSQL database: the durable store
 * is written once per event (by the node that published it), not once per node. The table holds
 * offsets 1..N once each; a trigger counts every row offered to it (including rows an
 * {@code ON CONFLICT DO NOTHING} skips), and each node's history-writer metrics show it stored
 * only the events published through it — a node writing what it received from the fan-out would
 * be seen even though the table itself would still hold each event once.
 */
class DurableWriteOnceIT {
    private static final int PUBLISHERS = 4;
    private static final int EVENTS_PER_PUBLISHER = 60;
    private static final int N = PUBLISHERS * EVENTS_PER_PUBLISHER;
    /** Through each node: one publisher with one event per request, one with four. */
    private static final int REQUESTS_PER_NODE = EVENTS_PER_PUBLISHER + EVENTS_PER_PUBLISHER / 4;

    @Test
    void eventsPublishedConcurrentlyThroughTwoNodesAreWrittenToPostgresqlExactlyOnceEachWithOffsetsOneToN() throws Exception {
        try (RedisServer redis = RedisServer.start(); PostgresDatabase db = PostgresDatabase.create()) {
            Map<String, String> settings = Map.of("REDIS_URL", redis.url(), "HUB_HISTORY_BACKEND", "postgres",
                    "DATABASE_URL", db.url());
            TestHub a = TestHub.start(with(settings, "node-a"));
            TestHub b = TestHub.start(with(settings, "node-b"));
            ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
            try (Connection sql = db.connect()) {
                countWriteAttempts(sql);
                UUID project = UUID.randomUUID();
                // A subscriber on each node: both nodes receive (and deliver) every event from the fan-out.
                WsRecorder onA = a.subscribedToNewProject(project);
                WsRecorder onB = b.subscribedToNewProject(project);

                List<CompletableFuture<List<String>>> runs = new ArrayList<>();
                for (int i = 0; i < PUBLISHERS; i++) {
                    TestHub via = i % 2 == 0 ? a : b;
                    int perRequest = i < 2 ? 1 : 4;
                    runs.add(CompletableFuture.supplyAsync(() -> publish(via, project, perRequest), pool));
                }
                List<String> acked = new ArrayList<>();
                long viaA = 0;
                for (int i = 0; i < PUBLISHERS; i++) {
                    List<String> ids = runs.get(i).get(60, TimeUnit.SECONDS);
                    acked.addAll(ids);
                    viaA += i % 2 == 0 ? ids.size() : 0;
                }
                assertThat(new HashSet<>(acked)).hasSize(N);

                // Both nodes have handed every event to their subscriber, so each had every chance to write it.
                assertThat(onA.awaitEvents(N)).extracting(e -> e.path("offset").asLong())
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, N).boxed().toList());
                assertThat(onB.awaitEvents(N)).extracting(e -> e.path("offset").asLong())
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, N).boxed().toList());

                // And nothing writes it later either (a retry, a late writer on the receiving node).
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                        .until(() -> scalar(sql, "SELECT count(*) FROM write_attempts WHERE project_id = ?", project) == N);

                assertThat(scalar(sql, "SELECT count(*) FROM project_index_event_history WHERE project_id = ?", project))
                        .isEqualTo(N);
                assertThat(column(sql, "SELECT seq FROM project_index_event_history WHERE project_id = ? ORDER BY seq", project))
                        .as("offsets in PostgreSQL").containsExactlyElementsOf(LongStream.rangeClosed(1, N).boxed().toList());
                assertThat(strings(sql, "SELECT id::text FROM project_index_event_history WHERE project_id = ?", project))
                        .as("ids in PostgreSQL").containsExactlyInAnyOrderElementsOf(acked);
                assertThat(strings(sql, "SELECT id::text FROM write_attempts WHERE project_id = ? GROUP BY id"
                        + " HAVING count(*) > 1", project)).as("events written more than once").isEmpty();
                assertThat(scalar(sql, "SELECT count(DISTINCT epoch) FROM project_index_event_history WHERE project_id = ?",
                        project)).isEqualTo(1);
                // The history writer skips events already stored (after locking the stream row), so a
                // second write of an event by the node that only received it would leave the table as it
                // is; the writers' own metrics show it. Each node stored exactly the events published
                // through it, and made no more commits than it had publish requests (group commit only
                // merges them; the slack is for creating the stream when it was first read).
                assertThat(writerMetric(a, "sum")).as("events node A stored").isEqualTo(viaA);
                assertThat(writerMetric(b, "sum")).as("events node B stored").isEqualTo(N - viaA);
                assertThat(writerMetric(a, "count")).as("commits of node A").isLessThanOrEqualTo(REQUESTS_PER_NODE + 3);
                assertThat(writerMetric(b, "count")).as("commits of node B").isLessThanOrEqualTo(REQUESTS_PER_NODE + 3);
                onA.close();
                onB.close();
            } finally {
                pool.shutdownNow();
                b.close();
                a.close();
            }
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String node) {
        Map<String, String> m = new java.util.HashMap<>(settings);
        m.put("HUB_NODE_ID", node);
        return m;
    }

    /** Records every row offered to the history table, whether or not it is inserted. */
    private static void countWriteAttempts(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE write_attempts (id UUID NOT NULL, project_id UUID NOT NULL, seq BIGINT NOT NULL)");
            s.execute("""
                    CREATE FUNCTION record_write_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      INSERT INTO write_attempts VALUES (NEW.id, NEW.project_id, NEW.seq);
                      RETURN NEW;
                    END $$""");
            s.execute("CREATE TRIGGER record_write_attempt BEFORE INSERT ON project_index_event_history"
                    + " FOR EACH ROW EXECUTE FUNCTION record_write_attempt()");
        }
    }

    /** Publishes {@link #EVENTS_PER_PUBLISHER} events through {@code hub}, {@code perRequest} per request; the accepted ids. */
    private static List<String> publish(TestHub hub, UUID project, int perRequest) {
        List<String> ids = new ArrayList<>();
        UUID session = UUID.randomUUID();
        for (int i = 0; i < EVENTS_PER_PUBLISHER; i += perRequest) {
            List<String> events = new ArrayList<>();
            for (int j = i; j < i + perRequest; j++) {
                events.add(j % 7 == 0 ? Events.dependency(project, "src/f" + j + ".py") : Events.progress(project, session, j % 100));
            }
            JsonNode accepted = hub.publish(perRequest == 1 ? events.get(0) : Events.batch(events)).path("accepted");
            assertThat(accepted).hasSize(perRequest);
            accepted.forEach(e -> ids.add(e.path("id").asText()));
        }
        return ids;
    }

    /**
     * The history writer's {@code commit_events} summary on {@code hub}: {@code sum}, the events it
     * stored; {@code count}, its commits.
     */
    private static long writerMetric(TestHub hub, String part) {
        String metrics = hub.get("/api/v1/project-index/websocket/metrics/prometheus").body();
        String name = "project_index_websocket_history_commit_events_" + part + "{";
        List<String> lines = metrics.lines().filter(l -> l.startsWith(name)).toList();
        assertThat(lines).as("commit_events in %s", metrics).hasSize(1);
        String line = lines.get(0);
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static long scalar(Connection c, String query, UUID project) throws SQLException {
        return column(c, query, project).get(0);
    }

    private static List<Long> column(Connection c, String query, UUID project) throws SQLException {
        return rows(c, query, project, rs -> rs.getLong(1));
    }

    private static List<String> strings(Connection c, String query, UUID project) throws SQLException {
        return rows(c, query, project, rs -> rs.getString(1));
    }

    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> List<T> rows(Connection c, String query, UUID project, Column<T> column) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setObject(1, project);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(column.read(rs));
                }
            }
        }
        return out;
    }
}
