package io.projectindex.hub.server.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Filters and preferences on the live path, end to end. */
class FilteringIT {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String dependency(UUID p, String path, Object language) {
        String lang = language instanceof String ? "\"" + language + "\"" : String.valueOf(language);
        return "{\"type\":\"dependency_changed\",\"data\":{\"project_id\":\"" + p + "\",\"file_path\":\"" + path
                + "\",\"change_type\":\"modified\",\"file_metadata\":{\"language\":" + lang + "}}}";
    }

    private static List<String> describe(List<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) {
            JsonNode d = e.path("data");
            out.add(switch (e.path("type").asText()) {
                case "analysis_progress" -> "progress:" + d.path("progress_percentage").asInt();
                case "dependency_changed" -> "dependency:" + d.path("file_path").asText();
                default -> e.path("type").asText();
            });
        }
        return out;
    }

    @Test
    void twoClientsWithDifferentPreferencesEachReceiveExactlyTheirSubsetOfOneSequence() {
        UUID p = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        WsRecorder a = hub.connectWelcomed("");
        WsRecorder b = hub.connectWelcomed("");
        assertThat(a.request("{\"action\":\"set_preferences\",\"preferences\":{\"min_progress_updates\":25,"
                + "\"ignored_file_patterns\":[\"*.test.js\"]}}").path("type").asText()).isEqualTo("preferences_ack");
        a.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
        b.request("{\"action\":\"set_preferences\",\"preferences\":{\"preferred_languages\":[\"Go\"]}}");
        b.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\",\"filters\":{\"rules\":[{\"criteria\":"
                + "\"event_type\",\"operator\":\"in\",\"value\":[\"analysis_progress\",\"dependency_changed\"]}]}}");

        List<String> sequence = new ArrayList<>();
        for (int pct : new int[] {10, 24, 26, 49, 51, 75, 80, 100}) {
            sequence.add(Events.progress(p, session, pct));
        }
        sequence.add(dependency(p, "web/app.test.js", "javascript"));
        sequence.add(dependency(p, "src/b.py", "python"));
        sequence.add(dependency(p, "cmd/c.go", "go"));
        sequence.add(Events.updated(p));
        sequence.add(Events.context(p));
        hub.publish(Events.batch(sequence));

        assertThat(describe(a.awaitEvents(9))).containsExactly("progress:10", "progress:26", "progress:51",
                "progress:75", "progress:100", "dependency:src/b.py", "dependency:cmd/c.go", "project_index_updated",
                "context_optimized");
        assertThat(describe(b.awaitEvents(9))).containsExactly("progress:10", "progress:24", "progress:26",
                "progress:49", "progress:51", "progress:75", "progress:80", "progress:100", "dependency:cmd/c.go");
        a.assertNoMoreFrames(Duration.ofMillis(300));
        b.assertNoMoreFrames(Duration.ofMillis(100));

        JsonNode statsA = a.request("{\"action\":\"get_stats\"}").path("data");
        assertThat(statsA.path("events_filtered").asLong()).isEqualTo(4);
        assertThat(statsA.path("events_filtered_by_reason").path("progress_threshold").asLong()).isEqualTo(3);
        assertThat(statsA.path("events_filtered_by_reason").path("ignored_pattern").asLong()).isEqualTo(1);
        JsonNode statsB = b.request("{\"action\":\"get_stats\"}").path("data");
        // preferences are checked before subscription filters: the update (python, javascript) fails the language
        assertThat(statsB.path("events_filtered_by_reason").path("language").asLong()).isEqualTo(3);
        assertThat(statsB.path("events_filtered_by_reason").path("rule").asLong()).isEqualTo(1);
        a.close();
        b.close();
    }

    @Test
    void aResumingSubscriptionReplaysOnlyWhatItsFiltersAdmit() {
        UUID p = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        String epoch = hub.publish(Events.updated(p)).path("accepted").get(0).path("epoch").asText();
        List<String> progress = new ArrayList<>();
        for (int pct : new int[] {10, 24, 26, 49, 51, 75, 80, 100}) {
            progress.add(Events.progress(p, session, pct));
        }
        hub.publish(Events.batch(progress));
        WsRecorder ws = hub.connectWelcomed("");
        JsonNode ack = ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\",\"since_offset\":1,\"epoch\":\""
                + epoch + "\",\"filters\":{\"min_progress_threshold\":50}}");
        assertThat(ack.path("data").path("recovered").asBoolean()).isTrue();
        List<JsonNode> replayed = ws.awaitEvents(3);
        assertThat(describe(replayed)).containsExactly("progress:10", "progress:51", "progress:100");
        assertThat(replayed).allSatisfy(e -> assertThat(e.path("replay").asBoolean()).isTrue());
        // live events continue from the same progress state: 100 was the last delivered
        hub.publish(Events.progress(p, session, 100));
        assertThat(describe(ws.awaitEvents(1))).containsExactly("progress:100");
        ws.assertNoMoreFrames(Duration.ofMillis(200));
        ws.close();
    }

    @Test
    void aRuleWithAnUnknownOperatorIsRejectedAndNoSubscriptionIsCreated() {
        WsRecorder ws = hub.connectWelcomed("");
        JsonNode err = ws.request("{\"action\":\"subscribe\",\"filters\":{\"rules\":[{\"criteria\":\"progress\","
                + "\"operator\":\"roughly\",\"value\":50}]}}");
        assertThat(err.path("data").path("error").asText()).isEqualTo("INVALID_FIELD");
        assertThat(err.path("data").path("details").path("field").asText()).isEqualTo("filters.rules[0].operator");
        JsonNode meaningless = ws.request("{\"action\":\"subscribe\",\"filters\":{\"rules\":[{\"criteria\":\"file_path\","
                + "\"operator\":\"greater_than\",\"value\":3}]}}");
        assertThat(meaningless.path("data").path("details").path("field").asText()).isEqualTo("filters.rules[0]");
        assertThat(ws.request("{\"action\":\"get_stats\"}").path("data").path("subscriptions")).isEmpty();
        hub.publish(Events.updated(UUID.randomUUID()));
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
    }

    @Test
    void malformedOptionalFieldsAreFilteredAsIfAbsentNeverDeliveredByAccident() {
        UUID p = UUID.randomUUID();
        WsRecorder languages = hub.connectWelcomed("");
        languages.request("{\"action\":\"set_preferences\",\"preferences\":{\"preferred_languages\":[\"python\"]}}");
        languages.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\",\"event_types\":[\"dependency_changed\"]}");
        WsRecorder rule = hub.connectWelcomed("");
        rule.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\",\"filters\":{\"rules\":[{\"criteria\":"
                + "\"file_language\",\"operator\":\"not_equals\",\"value\":\"go\"}]},\"event_types\":[\"dependency_changed\"]}");

        hub.publish(dependency(p, "src/a.py", 42));        // malformed language: read as absent
        hub.publish(dependency(p, "src/b.rb", "ruby"));     // a real, non-preferred language
        // preferences: an event without a language passes; the ruby one is dropped
        assertThat(describe(languages.awaitEvents(1))).containsExactly("dependency:src/a.py");
        // rule: an absent language satisfies no operator, negated ones included; ruby != go passes
        assertThat(describe(rule.awaitEvents(1))).containsExactly("dependency:src/b.rb");
        languages.assertNoMoreFrames(Duration.ofMillis(300));
        rule.assertNoMoreFrames(Duration.ofMillis(100));
        languages.close();
        rule.close();
    }

    @Test
    void globalRulesFromTheConfigFileApplyBeforeEveryConnectionAndAreListed(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("hub.yaml");
        Files.writeString(config, """
                global_filters:
                  - criteria: event_type
                    operator: in
                    value: [project_index_updated, dependency_changed]
                """);
        try (TestHub filtered = TestHub.start(Map.of("HUB_CONFIG", config.toString()))) {
            UUID p = UUID.randomUUID();
            WsRecorder ws = filtered.connectWelcomed("");
            ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
            filtered.publish(Events.progress(p, UUID.randomUUID(), 50));
            filtered.publish(Events.updated(p));
            assertThat(describe(ws.awaitEvents(1))).containsExactly("project_index_updated");
            ws.assertNoMoreFrames(Duration.ofMillis(200));
            JsonNode listing = filtered.get("/api/v1/project-index/websocket/filters").json();
            assertThat(listing.path("global_rules").get(0).path("criteria").asText()).isEqualTo("event_type");
            assertThat(listing.path("filtered_by_reason").path("global_rule").asLong()).isEqualTo(1);
            ws.close();
        }
    }
}
