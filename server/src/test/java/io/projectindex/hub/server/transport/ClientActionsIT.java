package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every client action gets exactly one reply, echoing its correlation id; every bad message gets a specific error. */
class ClientActionsIT {
    private static TestHub hub;
    private WsRecorder ws;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("WEBSOCKET_MAX_SUBSCRIPTIONS", "3"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @BeforeEach
    void connect() {
        ws = hub.connectWelcomed("client_id=actions-test");
    }

    @AfterEach
    void disconnect() {
        ws.assertNoMoreFrames(Duration.ofMillis(150));
        ws.close();
    }

    @Test
    void welcomeDescribesTheConnectionAndItsLimits() {
        WsRecorder other = hub.connect("batch=true&client_id=abc");
        JsonNode w = other.awaitType("welcome").path("data");
        assertThat(w.path("user_id").asText()).isEqualTo("anonymous");
        assertThat(w.path("node_id").asText()).isNotEmpty();
        assertThat(w.path("server_capabilities").path("event_types")).hasSize(4);
        assertThat(w.path("server_capabilities").path("resume").asBoolean()).isTrue();
        assertThat(w.path("limits").path("max_message_bytes").asInt()).isEqualTo(65536);
        assertThat(w.path("limits").path("max_subscriptions").asInt()).isEqualTo(3);
        assertThat(w.path("limits").has("rate_limit_tokens")).isTrue();
        assertThat(w.path("limits").has("inbound_messages_per_second")).isTrue();
        assertThat(w.path("options").path("batch").asBoolean()).isTrue();
        assertThat(w.path("options").path("client_id").asText()).isEqualTo("abc");
        other.close();
    }

    @Test
    void subscribeIsAckedWithTheNormalisedSubscriptionAndEchoesTheCorrelationId() {
        UUID project = UUID.randomUUID();
        JsonNode ack = ws.request("""
                {"action":"subscribe","correlation_id":"c-1","project_id":"%s","subscription_id":"mine",
                 "filters":{"min_progress_threshold":25}}""".formatted(project));
        assertThat(ack.path("type").asText()).isEqualTo("subscription_ack");
        assertThat(ack.path("correlation_id").asText()).isEqualTo("c-1");
        JsonNode d = ack.path("data");
        assertThat(d.path("action").asText()).isEqualTo("subscribe");
        assertThat(d.path("subscription_id").asText()).isEqualTo("mine");
        assertThat(d.path("event_types")).hasSize(4);
        assertThat(d.path("filters").path("min_progress_threshold").asInt()).isEqualTo(25);
        assertThat(d.path("epoch").asText()).isNotEmpty();
        assertThat(d.path("offset").asLong()).isZero();
        assertThat(d.has("recovered")).isFalse();
    }

    @Test
    void unsubscribeByIdAndByScopeAreAcked() {
        UUID p = UUID.randomUUID();
        ws.request("{\"action\":\"subscribe\",\"subscription_id\":\"a\",\"project_id\":\"" + p + "\"}");
        ws.request("{\"action\":\"subscribe\",\"subscription_id\":\"b\",\"event_types\":[\"analysis_progress\"]}");
        JsonNode byId = ws.request("{\"action\":\"unsubscribe\",\"subscription_id\":\"a\",\"correlation_id\":\"u1\"}");
        assertThat(byId.path("correlation_id").asText()).isEqualTo("u1");
        assertThat(byId.path("data").path("action").asText()).isEqualTo("unsubscribe");
        assertThat(byId.path("data").path("subscription_ids")).extracting(JsonNode::asText).containsExactly("a");
        JsonNode byType = ws.request("{\"action\":\"unsubscribe\",\"event_types\":[\"analysis_progress\"]}");
        assertThat(byType.path("data").path("subscription_ids")).extracting(JsonNode::asText).containsExactly("b");
        JsonNode stats = ws.request("{\"action\":\"get_stats\"}");
        assertThat(stats.path("data").path("subscriptions")).isEmpty();
    }

    @Test
    void unsubscribeNarrowsTypesAndKeepsTheRest() {
        UUID p = UUID.randomUUID();
        ws.request("{\"action\":\"subscribe\",\"subscription_id\":\"s\",\"project_id\":\"" + p
                + "\",\"event_types\":[\"analysis_progress\",\"dependency_changed\"]}");
        JsonNode ack = ws.request("{\"action\":\"unsubscribe\",\"project_id\":\"" + p + "\",\"event_types\":[\"analysis_progress\"]}");
        assertThat(ack.path("data").path("subscription_ids")).extracting(JsonNode::asText).containsExactly("s");
        hub.publish(Events.progress(p, UUID.randomUUID(), 5));
        hub.publish(Events.dependency(p, "a.py"));
        assertThat(ws.awaitEvents(1).get(0).path("type").asText()).isEqualTo("dependency_changed");
    }

    @Test
    void setPreferencesIsAckedWithTheNormalisedPreferences() {
        JsonNode ack = ws.request("""
                {"action":"set_preferences","correlation_id":"p","preferences":{"preferred_languages":["python"],
                 "ignored_file_patterns":["*.test.js"],"min_progress_updates":25,"notification_frequency":"high"}}""");
        assertThat(ack.path("type").asText()).isEqualTo("preferences_ack");
        assertThat(ack.path("correlation_id").asText()).isEqualTo("p");
        JsonNode prefs = ack.path("data").path("preferences");
        assertThat(prefs.path("preferred_languages").get(0).asText()).isEqualTo("python");
        assertThat(prefs.path("min_progress_threshold").asInt()).isEqualTo(25);
        assertThat(prefs.path("high_impact_only").asBoolean()).isFalse();
        assertThat(prefs.path("notification_frequency").asText()).isEqualTo("high");
    }

    @Test
    void pingIsAnsweredWithHealthAndServerTime() {
        JsonNode pong = ws.request("{\"action\":\"ping\",\"correlation_id\":\"42\"}");
        assertThat(pong.path("type").asText()).isEqualTo("pong");
        assertThat(pong.path("correlation_id").asText()).isEqualTo("42");
        assertThat(pong.path("data").path("connection_health").asDouble()).isBetween(0.0, 1.0);
        assertThat(pong.path("data").path("server_time").asText()).endsWith("Z");
    }

    @Test
    void getStatsReportsThisConnectionsCounters() {
        ws.request("{\"action\":\"ping\"}");
        JsonNode stats = ws.request("{\"action\":\"get_stats\",\"correlation_id\":\"s\"}");
        assertThat(stats.path("type").asText()).isEqualTo("stats");
        assertThat(stats.path("correlation_id").asText()).isEqualTo("s");
        assertThat(stats.path("data").path("client_id").asText()).isEqualTo("actions-test");
        assertThat(stats.path("data").path("messages_received").asLong()).isEqualTo(2);
        assertThat(stats.path("data").has("events_delivered")).isTrue();
    }

    @Test
    void replayOfAnEmptyProjectCompletesWithNullOffsets() {
        UUID p = UUID.randomUUID();
        JsonNode done = ws.request("{\"action\":\"replay\",\"project_id\":\"" + p + "\",\"correlation_id\":\"r\"}");
        assertThat(done.path("type").asText()).isEqualTo("replay_complete");
        assertThat(done.path("correlation_id").asText()).isEqualTo("r");
        JsonNode d = done.path("data");
        assertThat(d.path("events_replayed").asInt()).isZero();
        assertThat(d.path("from_offset").isNull()).isTrue();
        assertThat(d.path("to_offset").isNull()).isTrue();
        assertThat(d.path("has_more").asBoolean()).isFalse();
        assertThat(d.path("recovered").asBoolean()).isTrue();
    }

    @Test
    void refreshWithAuthOffIsAcked() {
        JsonNode ack = ws.request("{\"action\":\"refresh\",\"token\":\"anything\",\"correlation_id\":\"t\"}");
        assertThat(ack.path("type").asText()).isEqualTo("refresh_ack");
        assertThat(ack.path("correlation_id").asText()).isEqualTo("t");
    }

    @Test
    void tooManySubscriptionsIsLimitExceeded() {
        for (int i = 0; i < 3; i++) {
            ws.request("{\"action\":\"subscribe\",\"event_types\":[\"analysis_progress\"]}");
        }
        JsonNode err = ws.request("{\"action\":\"subscribe\",\"correlation_id\":\"x\"}");
        assertError(err, "LIMIT_EXCEEDED", null);
        assertThat(err.path("correlation_id").asText()).isEqualTo("x");
        assertThat(err.path("data").path("details").path("max_subscriptions").asInt()).isEqualTo(3);
    }

    @Test
    void aDuplicateSubscriptionIdIsRejected() {
        ws.request("{\"action\":\"subscribe\",\"subscription_id\":\"same\"}");
        assertError(ws.request("{\"action\":\"subscribe\",\"subscription_id\":\"same\"}"), "INVALID_FIELD", "subscription_id");
    }

    @Test
    void unsubscribingAnUnknownIdIsAnError() {
        assertError(ws.request("{\"action\":\"unsubscribe\",\"subscription_id\":\"nope\"}"), "INVALID_FIELD", "subscription_id");
    }

    static Stream<Arguments> badMessages() {
        return Stream.of(
                Arguments.of("not json at all", "INVALID_MESSAGE", null),
                Arguments.of("[1,2,3]", "INVALID_MESSAGE", null),
                Arguments.of("{\"correlation_id\":\"c\"}", "INVALID_MESSAGE", null),
                Arguments.of("{\"action\":42}", "INVALID_MESSAGE", null),
                Arguments.of("{\"action\":\"dance\"}", "UNKNOWN_ACTION", null),
                Arguments.of("{\"action\":\"subscribe\",\"event_types\":\"analysis_progress\"}", "INVALID_FIELD", "event_types"),
                Arguments.of("{\"action\":\"subscribe\",\"event_types\":[\"file_change\"]}", "INVALID_FIELD", "event_types[0]"),
                Arguments.of("{\"action\":\"subscribe\",\"project_id\":\"not-a-uuid\"}", "INVALID_FIELD", "project_id"),
                Arguments.of("{\"action\":\"subscribe\",\"project_id\":123}", "INVALID_FIELD", "project_id"),
                Arguments.of("{\"action\":\"subscribe\",\"since_offset\":5}", "INVALID_FIELD", "project_id"),
                Arguments.of("{\"action\":\"subscribe\",\"filters\":{\"rules\":[{\"criteria\":\"event_type\",\"operator\":\"resembles\",\"value\":\"x\"}]}}",
                        "INVALID_FIELD", "filters.rules[0].operator"),
                Arguments.of("{\"action\":\"subscribe\",\"filters\":{\"high_impact_only\":\"yes\"}}", "INVALID_FIELD", "filters.high_impact_only"),
                Arguments.of("{\"action\":\"replay\"}", "INVALID_FIELD", "project_id"),
                Arguments.of("{\"action\":\"replay\",\"project_id\":\"" + UUID.randomUUID() + "\",\"since\":\"yesterday\"}", "INVALID_FIELD", "since"),
                Arguments.of("{\"action\":\"replay\",\"project_id\":\"" + UUID.randomUUID() + "\",\"max_events\":5000}", "INVALID_FIELD", "max_events"),
                Arguments.of("{\"action\":\"set_preferences\"}", "INVALID_FIELD", "preferences"),
                Arguments.of("{\"action\":\"set_preferences\",\"preferences\":{\"notification_frequency\":\"sometimes\"}}",
                        "INVALID_FIELD", "preferences.notification_frequency"),
                Arguments.of("{\"action\":\"refresh\"}", "INVALID_FIELD", "token"),
                Arguments.of("{\"action\":\"ping\",\"correlation_id\":7}", "INVALID_FIELD", "correlation_id"));
    }

    @ParameterizedTest
    @MethodSource("badMessages")
    void aBadMessageGetsOneSpecificErrorAndTheConnectionStaysUsable(String message, String code, String field) {
        assertError(ws.request(message), code, field);
        JsonNode pong = ws.request("{\"action\":\"ping\",\"correlation_id\":\"after\"}");
        assertThat(pong.path("type").asText()).isEqualTo("pong");
    }

    @Test
    void anErrorEchoesTheRequestsCorrelationIdAndAction() {
        JsonNode err = ws.request("{\"action\":\"subscribe\",\"project_id\":\"nope\",\"correlation_id\":\"corr-9\"}");
        assertError(err, "INVALID_FIELD", "project_id");
        assertThat(err.path("correlation_id").asText()).isEqualTo("corr-9");
        assertThat(err.path("data").path("action").asText()).isEqualTo("subscribe");
        assertThat(err.path("data").path("message").asText()).contains("project_id");
    }

    @Test
    void aBinaryFrameIsAnInvalidMessage() {
        ws.socket().sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        assertError(ws.awaitJson(), "INVALID_MESSAGE", null);
    }

    @Test
    void anOversizedMessageIsRefusedAndTheConnectionClosedWith1009() {
        WsRecorder big = hub.connectWelcomed("");
        String huge = "{\"action\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        big.send(huge);
        assertError(big.awaitJson(), "MESSAGE_TOO_LARGE", null);
        assertThat(big.awaitClose()).isEqualTo(1009);
    }

    @Test
    void aFrameFarBeyondTheLimitIsClosedWith1009() {
        WsRecorder big = hub.connectWelcomed("");
        big.socket().sendText("{\"action\":\"ping\",\"pad\":\"" + "y".repeat(600_000) + "\"}", true);
        assertThat(big.awaitClose()).isEqualTo(1009);
    }

    static void assertError(JsonNode frame, String code, String field) {
        assertThat(frame.path("type").asText()).as("frame %s", frame).isEqualTo("error");
        assertThat(frame.path("data").path("error").asText()).as("frame %s", frame).isEqualTo(code);
        assertThat(frame.path("data").path("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(frame.path("data").path("details").path("field").asText()).as("frame %s", frame).isEqualTo(field);
        }
    }
}
