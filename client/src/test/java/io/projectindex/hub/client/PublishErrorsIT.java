package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.projectindex.hub.client.HubClientIT.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Publish answers the hub refuses come back as typed exceptions carrying the hub's code and details. */
class PublishErrorsIT {
    private static TestHub hub;
    private static HubClient client;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("PUBLISH_MAX_EVENTS", "3"));
        client = HubClient.create(ClientOptions.of(hub.baseUrl()));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        client.closed().get(10, TimeUnit.SECONDS);
        hub.close();
    }

    private static OutgoingEvent updated(UUID project) {
        return OutgoingEvent.of(EventType.PROJECT_INDEX_UPDATED, Json.readTree(Events.updated(project)).get("data"));
    }

    @Test
    void anInvalidEventIs400WithEveryProblemListedByIndexAndField() {
        UUID project = UUID.randomUUID();
        OutgoingEvent bad = OutgoingEvent.of(EventType.ANALYSIS_PROGRESS,
                "{\"project_id\":\"not-a-uuid\",\"progress_percentage\":120}");

        assertThatThrownBy(() -> await(client.publish(List.of(updated(project), bad))))
                .cause().isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.error()).isEqualTo("INVALID_EVENT");
                    assertThat(e.problems()).extracting(InvalidEventException.Problem::index).containsOnly(1);
                    assertThat(e.problems()).extracting(InvalidEventException.Problem::field)
                            .contains("data.project_id", "data.session_id", "data.progress_percentage");
                });
        assertThat(hub.get("/api/v1/project-index/events?project_id=" + project).json().path("events")).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonIs400WithTheReason() {
        assertThatThrownBy(() -> await(client.publishJson("{\"type\":")))
                .cause().isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.error()).isEqualTo("INVALID_MESSAGE");
                    assertThat(e.getMessage()).contains("not valid JSON");
                });
    }

    @Test
    void republishingAnIdIsIdempotentWithTheSameContentAnd409WithOther() throws Exception {
        UUID project = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        Accepted first = await(client.publish(updated(project).withId(id)));
        Accepted again = await(client.publish(updated(project).withId(id)));

        assertThat(again.duplicate()).isTrue();
        assertThat(again.position()).isEqualTo(first.position());
        ObjectNode data = (ObjectNode) Json.readTree(Events.updated(project)).get("data");
        data.put("files_analyzed", 999);
        OutgoingEvent changed = OutgoingEvent.of(EventType.PROJECT_INDEX_UPDATED, data).withId(id);
        assertThatThrownBy(() -> await(client.publish(changed)))
                .cause().isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.error()).isEqualTo("CONFLICT");
                    assertThat(e.id()).isEqualTo(id.toString());
                });
    }

    @Test
    void moreEventsThanTheHubTakesInOneRequestIs413() {
        UUID project = UUID.randomUUID();
        List<OutgoingEvent> four = List.of(updated(project), updated(project), updated(project), updated(project));

        assertThatThrownBy(() -> await(client.publish(four)))
                .cause().isInstanceOfSatisfying(PayloadTooLargeException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(413);
                    assertThat(e.error()).isEqualTo("LIMIT_EXCEEDED");
                    assertThat(e.details()).containsEntry("max_events", 3);
                });
    }
}
