package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.hub.Shard;
import io.projectindex.hub.server.testing.RawWebSocket;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.projectindex.hub.server.transport.AuthFixtures.SECRET;
import static io.projectindex.hub.server.transport.AuthFixtures.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile input over real WebSocket connections (a raw-socket client, so any bytes can be sent):
 * 10,000 random and mutated frames ({@link HostileFrames}) from a seed printed at the start and in
 * every failure (rerun one with {@code FUZZ_SEED=<seed>}). Every frame gets exactly one reply or
 * ends its connection with the close code the protocol defines; the hub stays up; and afterwards
 * nothing is left behind — connections, slots, subscriptions, filters and queued events are back
 * to zero, and the heap after a full GC is back near its baseline. The inbound rate limit is off
 * for the run so that it cannot mask these checks; a second test checks that rate-limit replies to
 * hostile frames are well formed.
 */
class HostileInputIT {
    private static final int FRAMES = 10_000;
    private static final int WARM_UP_FRAMES = 1_000;
    private static final int MAX_MESSAGE_BYTES = 4096;
    /** Frames on one connection before the client starts a new one (if no frame closed it sooner). */
    private static final int FRAMES_PER_CONNECTION = 300;
    /** A ping with its own correlation id every this many frames proves no reply was extra or missing. */
    private static final int SENTINEL_EVERY = 25;
    /** Heap (after a full GC) may end this much above its baseline: 8 MiB (runs measured within ±3 MiB). */
    private static final long HEAP_SLACK_BYTES = 8L * 1024 * 1024;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> REPLY_TYPES = Set.of("subscription_ack", "preferences_ack", "replay_complete", "pong",
            "stats", "refresh_ack", "error");
    private static final UUID P1 = UUID.randomUUID();
    private static final UUID P2 = UUID.randomUUID();

    private long seed;

    private static List<String> templates(String token) {
        return List.of(
                "{\"action\":\"subscribe\",\"event_types\":[\"analysis_progress\",\"dependency_changed\"],\"project_id\":\""
                        + P1 + "\",\"correlation_id\":\"s1\"}",
                "{\"action\":\"subscribe\",\"project_id\":\"" + P1 + "\",\"since_offset\":0,\"epoch\":\"abcdefgh\","
                        + "\"subscription_id\":\"resume\"}",
                "{\"action\":\"subscribe\",\"project_id\":\"" + P2 + "\",\"since\":\"2025-01-15T12:00:00Z\"}",
                "{\"action\":\"subscribe\",\"session_id\":\"" + UUID.randomUUID() + "\",\"filters\":{\"min_progress_threshold\":25,"
                        + "\"ignored_file_patterns\":[\"**/*.test.js\"],\"rules\":[{\"criteria\":\"file_path\","
                        + "\"operator\":\"matches\",\"value\":\"src/**\"}]}}",
                "{\"action\":\"unsubscribe\",\"subscription_id\":\"resume\"}",
                "{\"action\":\"unsubscribe\",\"project_id\":\"" + P1 + "\",\"event_types\":[\"analysis_progress\"]}",
                "{\"action\":\"unsubscribe\"}",
                "{\"action\":\"set_preferences\",\"preferences\":{\"notification_frequency\":\"high\","
                        + "\"preferred_languages\":[\"python\"],\"high_impact_only\":false}}",
                "{\"action\":\"replay\",\"project_id\":\"" + P1 + "\",\"since_offset\":0,\"epoch\":\"abcdefgh\","
                        + "\"max_events\":10,\"event_types\":[\"project_index_updated\"]}",
                "{\"action\":\"replay\",\"project_id\":\"" + P1 + "\",\"since\":\"2025-01-15T12:00:00Z\","
                        + "\"exclude_delivered\":true}",
                "{\"action\":\"ping\",\"correlation_id\":\"p1\"}",
                "{\"action\":\"get_stats\"}",
                "{\"action\":\"refresh\",\"token\":\"" + token + "\"}");
    }

    private static long seedFromEnvironment() {
        String s = System.getProperty("fuzz.seed", System.getenv("FUZZ_SEED"));
        return s != null ? Long.parseLong(s.trim()) : new SecureRandom().nextLong();
    }

    @Test
    void tenThousandHostileFramesEachGetOneReplyOrADefinedCloseAndLeaveNothingBehind() throws Exception {
        seed = seedFromEnvironment();
        System.out.println("HostileInputIT: seed " + seed + " (rerun with FUZZ_SEED=" + seed + ")");
        try (TestHub hub = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", "off",
                "WEBSOCKET_INBOUND_RATE", "0", "WEBSOCKET_MAX_MESSAGE_BYTES", Integer.toString(MAX_MESSAGE_BYTES)))) {
            String token = token("fuzzer", List.of(P1.toString()), "events:read", Duration.ofHours(1));
            HubServices services = hub.server().services();

            run(hub, token, new HostileFrames(seed ^ 0x5DEECE66DL, MAX_MESSAGE_BYTES, templates(token)), WARM_UP_FRAMES);
            awaitIdle(services);
            long heapBefore = heapAfterGc();

            Map<String, Integer> outcomes = run(hub, token, new HostileFrames(seed, MAX_MESSAGE_BYTES, templates(token)), FRAMES);
            System.out.println("HostileInputIT: outcomes " + outcomes);
            assertThat(outcomes.keySet()).as("every kind of outcome was exercised").contains("REPLY", "TOO_LARGE",
                    "CLOSE_1007", "CLOSE_1009", "CLOSE_1002");

            awaitIdle(services);
            long heapAfter = heapAfterGc();
            System.out.printf("HostileInputIT: heap after full GC %.1f MiB before, %.1f MiB after%n",
                    heapBefore / 1048576.0, heapAfter / 1048576.0);
            assertThat(heapAfter - heapBefore).as("heap growth over the run (seed %d)", seed).isLessThan(HEAP_SLACK_BYTES);

            // Still serving: a new client is welcomed and answered.
            try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "token=" + token)) {
                assertThat(ws.read(REPLY_TIMEOUT).json().path("type").asText()).isEqualTo("welcome");
                sentinel(ws, "after the run");
            }
            assertThat(hub.get("/healthz").status()).isEqualTo(200);
        }
    }

    /** Sends {@code frames} hostile frames, checking each outcome; returns how often each outcome occurred. */
    private Map<String, Integer> run(TestHub hub, String token, HostileFrames frames, int count) {
        Map<String, Integer> outcomes = new TreeMap<>();
        RawWebSocket ws = null;
        int onConnection = 0;
        for (int i = 0; i < count; i++) {
            if (ws == null) {
                ws = RawWebSocket.connect(hub.port(), "token=" + token);
                JsonNode welcome = ws.read(REPLY_TIMEOUT).json();
                check(welcome.path("type").asText().equals("welcome"), "frame #" + i + ": expected welcome, got " + welcome);
                onConnection = 0;
            }
            HostileFrames.Hostile h = frames.next();
            String where = "frame #" + i + " " + h;
            h.sendTo(ws);
            outcomes.merge(h.outcome().name(), 1, Integer::sum);
            switch (h.outcome()) {
                case REPLY -> reply(ws, where);
                case TOO_LARGE -> {
                    JsonNode error = reply(ws, where);
                    check(error.path("data").path("error").asText().equals("MESSAGE_TOO_LARGE"), where + ": got " + error);
                    ws = closed(ws, 1009, where);
                }
                case CLOSE_1009 -> ws = closed(ws, 1009, where);
                case CLOSE_1007 -> ws = closed(ws, 1007, where);
                case CLOSE_1002 -> ws = closed(ws, 1002, where);
            }
            if (ws != null && ++onConnection % SENTINEL_EVERY == 0) {
                sentinel(ws, where);
            }
            if (ws != null && onConnection >= FRAMES_PER_CONNECTION) {
                ws.close();
                ws = null;
            }
        }
        if (ws != null) {
            sentinel(ws, "the last frame");
            ws.close();
        }
        return outcomes;
    }

    /** The one reply to a frame: a well-formed control frame (an error names a known code and says why). */
    private JsonNode reply(RawWebSocket ws, String where) {
        RawWebSocket.Message m = ws.read(REPLY_TIMEOUT);
        check(m != null, where + ": no reply within " + REPLY_TIMEOUT);
        check(!m.isClose() && m.opcode() == RawWebSocket.TEXT, where + ": expected one reply, got " + m);
        check(HostileFrames.isUtf8(m.payload()), where + ": the reply is not UTF-8");
        JsonNode reply = m.json();
        String type = reply.path("type").asText();
        check(REPLY_TYPES.contains(type), where + ": expected a reply, got " + m);
        check(reply.path("timestamp").isTextual(), where + ": reply without timestamp " + m);
        if (type.equals("error")) {
            JsonNode data = reply.path("data");
            check(ErrorCode.fromWire(data.path("error").asText()).isPresent(), where + ": unknown error code in " + m);
            check(!data.path("message").asText().isBlank(), where + ": error without message " + m);
            check(!data.path("error").asText().equals("INTERNAL_ERROR"), where + ": the hub failed internally: " + m);
        }
        return reply;
    }

    private RawWebSocket closed(RawWebSocket ws, int code, String where) {
        RawWebSocket.Message m = ws.read(REPLY_TIMEOUT);
        check(m != null && m.isClose() && m.closeCode() == code, where + ": expected close " + code + ", got " + m);
        ws.close();
        return null;
    }

    /** A ping whose pong must be the very next frame: an extra or a missing reply earlier would shift it. */
    private void sentinel(RawWebSocket ws, String where) {
        String id = "sentinel-" + UUID.randomUUID();
        ws.sendText("{\"action\":\"ping\",\"correlation_id\":\"" + id + "\"}");
        JsonNode pong = reply(ws, "sentinel after " + where);
        check(pong.path("type").asText().equals("pong") && pong.path("correlation_id").asText().equals(id),
                "sentinel after " + where + ": replies out of step, got " + pong);
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message + " (seed " + seed + "; rerun with FUZZ_SEED=" + seed + ")");
        }
    }

    /** Waits until the hub holds no connection and nothing that belongs to one. */
    private void awaitIdle(HubServices services) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(services.metrics().activeConnections()).as("open connections (seed %d)", seed).isZero();
            assertThat(services.connectionSlots().get()).as("connection slots").isZero();
            assertThat(services.admission().connections("fuzzer")).as("the user's slots").isZero();
            assertThat(services.queueBudget().used()).as("events queued on the node").isZero();
            for (Shard s : services.hub().shards()) {
                List<Integer> state = s.inspect(members -> List.of(members.size(), s.indexedProjects(),
                        s.wildcardListeners(), s.distinctFilters())).get(5, TimeUnit.SECONDS);
                assertThat(state).as("shard %d: members, indexed projects, wildcard listeners, distinct filters",
                        s.index()).containsExactly(0, 0, 0, 0);
            }
        });
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void rateLimitRepliesToHostileFramesAreWellFormedAndAbuseIsClosedWith4029() {
        seed = seedFromEnvironment();
        try (TestHub hub = TestHub.start(Map.of("AUTH_JWT_SECRET", SECRET, "HUB_AUDIT_LOG", "off",
                "WEBSOCKET_INBOUND_RATE", "0.01", "WEBSOCKET_INBOUND_BURST", "5", "WEBSOCKET_INBOUND_ABUSE_REJECTIONS", "5",
                "WEBSOCKET_MAX_MESSAGE_BYTES", Integer.toString(MAX_MESSAGE_BYTES)))) {
            String token = token("fuzzer", List.of(P1.toString()), "events:read", Duration.ofHours(1));
            Counter violations = hub.server().services().metrics().rateLimitViolations("inbound");
            double before = violations.count();
            HostileFrames frames = new HostileFrames(seed, MAX_MESSAGE_BYTES, templates(token));
            try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "token=" + token)) {
                ws.read(REPLY_TIMEOUT);
                List<String> sent = new ArrayList<>();
                while (sent.size() < 10) {
                    HostileFrames.Hostile h = frames.next();
                    if (h.outcome() == HostileFrames.Outcome.REPLY) {
                        h.sendTo(ws);
                        sent.add(h.toString());
                    }
                }
                String where = "frames " + sent;
                // A reply owed to a request still waiting on history may be dropped by the 4029 close,
                // so the count of each kind is bounded rather than exact; the close and the metric are exact.
                int limited = 0;
                int answered = 0;
                RawWebSocket.Message m;
                while ((m = ws.read(REPLY_TIMEOUT)) != null && !m.isClose()) {
                    JsonNode r = m.json();
                    check(REPLY_TYPES.contains(r.path("type").asText()), where + ": expected a reply, got " + m);
                    if (r.path("data").path("error").asText().equals("RATE_LIMITED")) {
                        limited++;
                        check(r.path("data").path("details").path("retry_after_ms").asLong() > 0, where + ": " + r);
                        check(!r.path("data").path("message").asText().isBlank(), where + ": " + r);
                    } else {
                        answered++;
                    }
                }
                check(m != null && m.closeCode() == 4029, where + ": expected close 4029, got " + m);
                check(limited >= 1 && limited <= 5 && answered <= 5, where + ": " + answered + " answered and " + limited
                        + " rate-limited replies to 10 messages with a burst of 5");
            }
            assertThat(violations.count() - before).isEqualTo(5);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(hub.server().services().metrics()
                    .registry().find("project_index_websocket_connections_closed").tag("code", "4029").counters())
                    .extracting(Counter::count).containsExactly(1.0));
        }
    }
}
