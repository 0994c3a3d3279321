package io.projectindex.hub.server.publish;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.TestHub.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The publish API and the history query over HTTP. */
class PublishApiIT {
    private static final String EVENTS = "/api/v1/project-index/events";
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("PUBLISH_MAX_EVENTS", "50", "PUBLISH_MAX_BODY_BYTES", "200000"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void oneEventIsAcceptedWithItsPosition() {
        UUID p = UUID.randomUUID();
        JsonNode accepted = hub.publish(Events.updated(p)).path("accepted");
        assertThat(accepted).hasSize(1);
        assertThat(accepted.get(0).path("project_id").asText()).isEqualTo(p.toString());
        assertThat(accepted.get(0).path("offset").asLong()).isEqualTo(1);
        assertThat(accepted.get(0).path("epoch").asText()).isNotBlank();
        assertThat(UUID.fromString(accepted.get(0).path("id").asText())).isNotNull();
    }

    @Test
    void aBatchAndABareArrayAreAcceptedInRequestOrder() {
        UUID p = UUID.randomUUID();
        UUID q = UUID.randomUUID();
        JsonNode a = hub.publish(Events.batch(List.of(Events.updated(p), Events.updated(q), Events.updated(p)))).path("accepted");
        assertThat(a).extracting(n -> n.path("project_id").asText() + "@" + n.path("offset").asLong())
                .containsExactly(p + "@1", q + "@1", p + "@2");
        JsonNode b = hub.publish("[" + Events.context(p) + "," + Events.context(q) + "]").path("accepted");
        assertThat(b).extracting(n -> n.path("offset").asLong()).containsExactly(3L, 2L);
    }

    @Test
    void anInvalidEventRejectsTheWholeBatchAndListsEveryProblem() {
        UUID p = UUID.randomUUID();
        String bad1 = "{\"type\":\"analysis_progress\",\"data\":{\"project_id\":\"" + p + "\",\"progress_percentage\":101}}";
        String bad2 = "{\"type\":\"nope\",\"data\":{}}";
        Response r = hub.post(EVENTS, Events.batch(List.of(Events.updated(p), bad1, bad2)));
        assertThat(r.status()).isEqualTo(400);
        JsonNode body = r.json();
        assertThat(body.path("error").asText()).isEqualTo("INVALID_EVENT");
        assertThat(body.path("details").path("errors")).extracting(e -> e.path("index").asInt() + ":" + e.path("field").asText())
                .containsExactlyInAnyOrder("1:data.session_id", "1:data.progress_percentage", "2:type");
        JsonNode history = hub.get(EVENTS + "?project_id=" + p).json();
        assertThat(history.path("events")).isEmpty();
    }

    @Test
    void republishingTheSameIdIsIdempotentAndDifferentContentIsAConflict() {
        UUID p = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        String event = "{\"id\":\"" + id + "\"," + Events.updated(p).trim().substring(1);
        JsonNode first = hub.publish(event).path("accepted").get(0);
        JsonNode again = hub.publish(event).path("accepted").get(0);
        assertThat(again.path("offset").asLong()).isEqualTo(first.path("offset").asLong());
        assertThat(again.path("duplicate").asBoolean()).isTrue();
        String changed = event.replace("\"files_updated\":75", "\"files_updated\":76");
        Response conflict = hub.post(EVENTS, changed);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().path("error").asText()).isEqualTo("CONFLICT");
        assertThat(hub.get(EVENTS + "?project_id=" + p).json().path("events")).hasSize(1);
    }

    @Test
    void aConflictInABatchStoresNothingOfIt() {
        UUID p = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        hub.publish("{\"id\":\"" + id + "\"," + Events.updated(p).trim().substring(1));
        String conflicting = "{\"id\":\"" + id + "\"," + Events.context(p).trim().substring(1);
        Response r = hub.post(EVENTS, Events.batch(List.of(Events.updated(p), conflicting)));
        assertThat(r.status()).isEqualTo(409);
        assertThat(hub.get(EVENTS + "?project_id=" + p).json().path("events")).hasSize(1);
    }

    @Test
    void correlationIdAndTimestampFollowTheRules() {
        UUID p = UUID.randomUUID();
        String withCorr = "{\"correlation_id\":\"run-7\",\"timestamp\":\"2020-01-01T00:00:00Z\"," + Events.updated(p).trim().substring(1);
        hub.publish(withCorr);
        JsonNode e = hub.get(EVENTS + "?project_id=" + p).json().path("events").get(0);
        assertThat(e.path("correlation_id").asText()).isEqualTo("run-7");
        assertThat(e.path("timestamp").asText()).doesNotStartWith("2020");
        Response tooLong = hub.post(EVENTS, "{\"correlation_id\":\"" + "x".repeat(37) + "\"," + Events.updated(p).trim().substring(1));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("details").path("errors").get(0).path("field").asText()).isEqualTo("correlation_id");
    }

    @Test
    void unknownDataFieldsArePassedThroughUntouched() {
        UUID p = UUID.randomUUID();
        String event = Events.updated(p).replace("\"warnings\":[]", "\"warnings\":[],\"custom\":{\"nested\":[1,2.50,\"x\"]}");
        hub.publish(event);
        JsonNode data = hub.get(EVENTS + "?project_id=" + p).json().path("events").get(0).path("data");
        assertThat(data.path("custom").toString()).isEqualTo("{\"nested\":[1,2.50,\"x\"]}");
    }

    @Test
    void limitsAndMalformedBodiesGetSpecificErrors() {
        Response notJson = hub.post(EVENTS, "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("error").asText()).isEqualTo("INVALID_MESSAGE");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(Events.updated(UUID.randomUUID()));
        }
        Response tooMany = hub.post(EVENTS, Events.batch(many));
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.json().path("error").asText()).isEqualTo("LIMIT_EXCEEDED");
        Response tooBig = hub.post(EVENTS, "{\"pad\":\"" + "z".repeat(300_000) + "\"}");
        assertThat(tooBig.status()).isEqualTo(413);
        Response empty = hub.post(EVENTS, "{\"events\":[]}");
        assertThat(empty.status()).isEqualTo(400);
    }

    @Test
    void historyQueryValidatesItsParameters() {
        assertThat(hub.get(EVENTS).status()).isEqualTo(400);
        assertThat(hub.get(EVENTS + "?project_id=x").json().path("details").path("field").asText()).isEqualTo("project_id");
        UUID p = UUID.randomUUID();
        assertThat(hub.get(EVENTS + "?project_id=" + p + "&since=never").status()).isEqualTo(400);
        assertThat(hub.get(EVENTS + "?project_id=" + p + "&event_types=bogus").status()).isEqualTo(400);
        assertThat(hub.get(EVENTS + "?project_id=" + p + "&limit=0").status()).isEqualTo(400);
        JsonNode empty = hub.get(EVENTS + "?project_id=" + p).json();
        assertThat(empty.path("events")).isEmpty();
        assertThat(empty.path("has_more").asBoolean()).isFalse();
    }

    @Test
    void historyQueryFiltersByTypeAndReportsEpochChanges() {
        UUID p = UUID.randomUUID();
        hub.publish(Events.updated(p));
        hub.publish(Events.dependency(p, "x.py"));
        hub.publish(Events.updated(p));
        JsonNode r = hub.get(EVENTS + "?project_id=" + p + "&event_types=project_index_updated&limit=1").json();
        assertThat(r.path("events")).extracting(e -> e.path("offset").asLong()).containsExactly(1L);
        assertThat(r.path("has_more").asBoolean()).isTrue();
        JsonNode next = hub.get(EVENTS + "?project_id=" + p + "&event_types=project_index_updated&since_offset=1").json();
        assertThat(next.path("events")).extracting(e -> e.path("offset").asLong()).containsExactly(3L);
        JsonNode stale = hub.get(EVENTS + "?project_id=" + p + "&since_offset=1&epoch=oldepoch").json();
        assertThat(stale.path("events")).isEmpty();
        assertThat(stale.path("recovered").asBoolean()).isFalse();
        assertThat(stale.path("reason").asText()).isEqualTo("epoch_changed");
    }

    @Test
    void probesAnswer() {
        assertThat(hub.get("/healthz").status()).isEqualTo(200);
        Response ready = hub.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        assertThat(hub.get("/no/such/route").status()).isEqualTo(404);
    }
}
