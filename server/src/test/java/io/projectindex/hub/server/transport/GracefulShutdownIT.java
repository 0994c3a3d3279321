package io.projectindex.hub.server.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.Events;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM behaviour: in-flight publishes finish, every client gets a shutdown notice and close 1001. */
class GracefulShutdownIT {

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
