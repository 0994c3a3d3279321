package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The original design's browser snippet, end to end against a default-configured hub. */
class BrowserSnippetFlowIT {
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
    void subscriberGetsExactlyTheSubscribedTypesOfItsProject() {
        UUID project = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        WsRecorder ws = hub.connect("");
        JsonNode welcome = ws.awaitType("welcome");
        assertThat(welcome.path("data").path("protocol_version").asInt()).isEqualTo(1);
        assertThat(welcome.path("data").path("connection_id").asText()).isNotEmpty();

        JsonNode ack = ws.request("""
                {"action":"subscribe","event_types":["project_index_updated","analysis_progress"],"project_id":"%s"}
                """.formatted(project));
        assertThat(ack.path("type").asText()).isEqualTo("subscription_ack");
        assertThat(ack.path("data").path("status").asText()).isEqualTo("success");
        assertThat(ack.path("data").path("project_id").asText()).isEqualTo(project.toString());
        assertThat(ack.path("data").path("event_types")).hasSize(2);

        UUID session = UUID.randomUUID();
        hub.publish(Events.dependency(project, "src/a.py"));
        hub.publish(Events.updated(other));
        hub.publish(Events.progress(project, session, 10));
        hub.publish(Events.context(project));
        hub.publish(Events.progress(other, session, 20));
        hub.publish(Events.updated(project));

        List<JsonNode> events = ws.awaitEvents(2);
        assertThat(events).extracting(e -> e.path("type").asText())
                .containsExactly("analysis_progress", "project_index_updated");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("data").path("project_id").asText()).isEqualTo(project.toString());
            assertThat(e.path("epoch").asText()).isNotEmpty();
            assertThat(e.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(e.has("replay")).isFalse();
        });
        assertThat(events.get(0).path("offset").asLong()).isEqualTo(2);
        assertThat(events.get(1).path("offset").asLong()).isEqualTo(4);
        assertThat(events.get(0).path("data").path("session_id").asText()).isEqualTo(session.toString());
        ws.assertNoMoreFrames(Duration.ofMillis(300));
        ws.close();
    }
}
