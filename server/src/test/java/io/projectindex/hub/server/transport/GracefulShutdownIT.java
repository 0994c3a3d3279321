package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
import io.projectindex.hub.server.testing.PostgresDatabase;
import io.projectindex.hub.server.testing.TestHub;
import io.projectindex.hub.server.testing.WsRecorder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SIGTERM behaviour: in-flight publishes finish, every client gets a shutdown notice and close 1001. */
class GracefulShutdownIT {

    /**
     * Deterministic version of "in-flight publishes finish": the history table is locked from
     * outside, so a publish is provably inside the hub (counted in flight, its insert waiting) when
     * shutdown begins. Shutdown must wait for it, refuse new publishes meanwhile, answer it 202 once
     * the lock goes, and deliver its events before the shutdown notice and the 1001 close.
     */
    @Test
    void aPublishInFlightWhenShutdownBeginsIsAnswered202AndDeliveredBeforeTheClose() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create()) {
            TestHub hub = TestHub.start(Map.of("HUB_HISTORY_BACKEND", "postgres", "DATABASE_URL", db.url(),
                    "HUB_SHUTDOWN_GRACE_MS", "20000"));
            UUID p = UUID.randomUUID();
            WsRecorder a = hub.connectWelcomed("");
            a.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
            hub.publish(Events.updated(p));
            assertThat(a.awaitEvents(1).get(0).path("offset").asLong()).isEqualTo(1);

            HttpClient http = HttpClient.newHttpClient();
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(Events.updated(p));
            }
            CompletableFuture<HttpResponse<String>> inFlight;
            CompletableFuture<Void> stopped;
            try (java.sql.Connection lock = db.connect()) {
                lock.setAutoCommit(false);
                try (java.sql.Statement s = lock.createStatement()) {
                    s.execute("LOCK TABLE project_index_event_history IN EXCLUSIVE MODE");
                }
                inFlight = http.sendAsync(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/v1/project-index/events"))
                        .POST(HttpRequest.BodyPublishers.ofString(Events.batch(batch))).build(),
                        HttpResponse.BodyHandlers.ofString());
                await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> hub.server().services().publisher().inFlight() > 0);

                stopped = hub.server().stop().toCompletionStage().toCompletableFuture();

                TestHub.Response refused = hub.post("/api/v1/project-index/events", Events.updated(p));
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isNotNull();
                assertThat(inFlight).isNotDone();
                assertThat(stopped).as("shutdown waits for the publish in flight").isNotDone();
                lock.commit();
            }

            HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            List<Long> offsets = new ArrayList<>();
            io.projectindex.hub.protocol.Json.readTree(answer.body()).path("accepted")
                    .forEach(e -> offsets.add(e.path("offset").asLong()));
            assertThat(offsets).hasSize(20).first().isEqualTo(2L);
            stopped.get(30, TimeUnit.SECONDS);

            List<Long> received = new ArrayList<>();
            JsonNode f;
            while (!(f = a.awaitJson()).path("type").asText().equals("notice")) {
                received.add(f.path("offset").asLong());
            }
            assertThat(received).containsExactlyElementsOf(offsets);
            assertThat(f.path("data").path("kind").asText()).isEqualTo("shutdown");
            assertThat(a.awaitClose()).isEqualTo(1001);
            hub.stop();
        }
    }

    @Test
    void shutdownLetsAcceptedPublishesReachClientsThenSendsANoticeAndCloses1001() throws Exception {
        TestHub hub = TestHub.start();
        UUID p = UUID.randomUUID();
        WsRecorder a = hub.connectWelcomed("");
        WsRecorder b = hub.connectWelcomed("");
        a.request("{\"action\":\"subscribe\",\"project_id\":\"" + p + "\"}");
        b.request("{\"action\":\"subscribe\"}");

        HttpClient http = HttpClient.newHttpClient();
        URI events = URI.create(hub.baseUrl() + "/api/v1/project-index/events");
        AtomicBoolean go = new AtomicBoolean(true);
        Set<Long> acknowledged = java.util.Collections.synchronizedSet(new HashSet<>());
        List<Integer> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            while (go.get()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(events)
                            .POST(HttpRequest.BodyPublishers.ofString(Events.updated(p))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 202) {
                        acknowledged.add(io.projectindex.hub.protocol.Json.readTree(r.body())
                                .path("accepted").get(0).path("offset").asLong());
                    } else {
                        refusals.add(r.statusCode());
                        assertThat(r.statusCode()).isEqualTo(503);
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    }
                } catch (java.io.IOException e) {
                    return; // the server has closed its port
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        List<JsonNode> first = a.awaitEvents(20);
        assertThat(first).isNotEmpty();

        hub.server().stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        go.set(false);
        publisher.get(30, TimeUnit.SECONDS);

        for (WsRecorder ws : List.of(a, b)) {
            Set<Long> received = new HashSet<>();
            JsonNode notice = null;
            while (notice == null) {
                JsonNode f = ws.awaitJson();
                if (f.path("type").asText().equals("notice")) {
                    notice = f;
                } else {
                    received.add(f.path("offset").asLong());
                }
            }
            if (ws == a) {
                received.addAll(first.stream().map(e -> e.path("offset").asLong()).toList());
            }
            assertThat(notice.path("data").path("kind").asText()).isEqualTo("shutdown");
            assertThat(received).containsAll(acknowledged);
            assertThat(ws.awaitClose()).isEqualTo(1001);
        }
        hub.stop();
    }
}
