package io.projectindex.hub.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AuditLogTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2025-01-15T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A sink that keeps lines in memory and can be told to refuse them. */
    static final class ListSink implements AuditLog.Sink {
        final List<String> lines = new ArrayList<>();
        boolean full;

        @Override
        public boolean offer(String line) {
            if (full) {
                return false;
            }
            lines.add(line);
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void eachEventIsOneJsonLineWithTimestampEventAndNode() {
        ListSink sink = new ListSink();
        AuditLog audit = new AuditLog(sink, clock, "node-1", registry);
        UUID p = UUID.fromString("11111111-1111-4111-8111-111111111111");
        audit.authFailure("websocket", "203.0.113.7", "Expired JWT");
        audit.forbidden("alice", "subscribe", p, "203.0.113.7");
        Map<UUID, Integer> counts = new LinkedHashMap<>();
        counts.put(p, 3);
        counts.put(UUID.fromString("22222222-2222-4222-8222-222222222222"), 1);
        audit.published("publisher", "10.0.0.5", counts);
        audit.admin("ops", "GET", "/api/v1/project-index/websocket/metrics", "10.0.0.6", false);
        audit.connectionLimit("max_connections_per_user", "alice", "203.0.113.7", 100);
        audit.tokenExpired("alice", "c-1", "203.0.113.7");

        assertThat(sink.lines).hasSize(7).allSatisfy(l -> assertThat(l).doesNotContain("\n"));
        JsonNode failure = Json.readTree(sink.lines.get(0));
        assertThat(failure.path("ts").asText()).isEqualTo("2025-01-15T12:00:00.000Z");
        assertThat(failure.path("event").asText()).isEqualTo("auth_failure");
        assertThat(failure.path("node").asText()).isEqualTo("node-1");
        assertThat(failure.path("transport").asText()).isEqualTo("websocket");
        assertThat(failure.path("remote_ip").asText()).isEqualTo("203.0.113.7");
        assertThat(failure.path("reason").asText()).isEqualTo("Expired JWT");

        JsonNode forbidden = Json.readTree(sink.lines.get(1));
        assertThat(forbidden.path("user").asText()).isEqualTo("alice");
        assertThat(forbidden.path("action").asText()).isEqualTo("subscribe");
        assertThat(forbidden.path("project_id").asText()).isEqualTo(p.toString());

        JsonNode publish = Json.readTree(sink.lines.get(2));
        assertThat(publish.path("event").asText()).isEqualTo("publish");
        assertThat(publish.path("count").asInt()).isEqualTo(3);
        assertThat(Json.readTree(sink.lines.get(3)).path("count").asInt()).isEqualTo(1);

        JsonNode admin = Json.readTree(sink.lines.get(4));
        assertThat(admin.path("allowed").asBoolean()).isFalse();
        JsonNode limit = Json.readTree(sink.lines.get(5));
        assertThat(limit.path("limit").asText()).isEqualTo("max_connections_per_user");
        assertThat(limit.path("max").asLong()).isEqualTo(100);
        assertThat(Json.readTree(sink.lines.get(6)).path("event").asText()).isEqualTo("token_expired");
        assertThat(registry.get("project_index_websocket_audit_events").tag("event", "publish").counter().count())
                .isEqualTo(2);
    }

    @Test
    void clientTextCannotStartALineOfItsOwnAndIsCut() {
        ListSink sink = new ListSink();
        AuditLog audit = new AuditLog(sink, clock, "n", registry);
        String forged = "bad\n{\"event\":\"publish\",\"user\":\"admin\"}" + "x".repeat(1000);
        audit.authFailure("http", "203.0.113.7", forged);
        assertThat(sink.lines).hasSize(1);
        assertThat(sink.lines.get(0)).doesNotContain("\n");
        String reason = Json.readTree(sink.lines.get(0)).path("reason").asText();
        assertThat(reason).startsWith("bad\n{").hasSize(AuditLog.MAX_TEXT_CHARS + 1);
    }

    @Test
    void aFullQueueDropsTheLineAndCountsIt() {
        ListSink sink = new ListSink();
        sink.full = true;
        AuditLog audit = new AuditLog(sink, clock, "n", registry);
        audit.authFailure("http", "203.0.113.7", "no token");
        audit.authFailure("http", "203.0.113.7", "no token");
        assertThat(audit.droppedLines()).isEqualTo(2);
        assertThat(registry.get("project_index_websocket_audit_dropped").counter().count()).isEqualTo(2);
    }

    @Test
    void theFileWriterAppendsLinesAndClosesAfterWritingWhatIsQueued(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logs/audit.log");
        AuditLog first = AuditLog.open(file.toString(), clock, "n", registry);
        first.authFailure("http", "203.0.113.7", "no token");
        first.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);

        AuditLog second = AuditLog.open(file.toString(), clock, "n", new SimpleMeterRegistry());
        second.forbidden("alice", "replay", null, "203.0.113.7");
        second.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readAllLines(file).size() == 2);
        List<String> lines = Files.readAllLines(file);
        assertThat(Json.readTree(lines.get(0)).path("event").asText()).isEqualTo("auth_failure");
        assertThat(Json.readTree(lines.get(1)).path("event").asText()).isEqualTo("forbidden");
    }

    @Test
    void offWritesNothingButStillCounts() {
        AuditLog audit = AuditLog.open("off", clock, "n", registry);
        assertThat(audit.enabled()).isFalse();
        audit.authFailure("http", "203.0.113.7", "no token");
        assertThat(registry.get("project_index_websocket_audit_events").tag("event", "auth_failure").counter().count())
                .isEqualTo(1);
        assertThat(audit.droppedLines()).isZero();
    }
}
