package io.projectindex.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.testing.WsRecorder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged `hub serve` as a real process: starts on its defaults and shuts down gracefully on SIGTERM. */
class ServeProcessIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void sigtermSendsEveryClientAShutdownNoticeAndCloses1001ThenExitsCleanly() throws Exception {
        Path jar = Path.of("target", "hub.jar");
        assertThat(jar).exists();
        Path dataDir = Files.createTempDirectory("hub-serve-it");
        Path log = dataDir.resolve("hub.log");
        Process hub = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "serve", "--port", "0", "--data-dir", dataDir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                return m.find() ? Integer.parseInt(m.group(1)) : -1;
            }, p -> p > 0);

            UUID project = UUID.randomUUID();
            WsRecorder ws = WsRecorder.connect(URI.create("ws://127.0.0.1:" + port + "/api/v1/project-index/websocket"));
            assertThat(ws.awaitType("welcome").path("data").path("protocol_version").asInt()).isEqualTo(1);
            ws.request("{\"action\":\"subscribe\",\"project_id\":\"" + project + "\"}");
            HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/v1/project-index/events"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"project_index_updated\",\"data\":{\"project_id\":\""
                            + project + "\",\"status\":\"completed\"}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(published.statusCode()).isEqualTo(202);
            assertThat(ws.awaitEvents(1).get(0).path("offset").asLong()).isEqualTo(1);

            hub.destroy(); // SIGTERM
            JsonNode notice = ws.awaitType("notice");
            assertThat(notice.path("data").path("kind").asText()).isEqualTo("shutdown");
            assertThat(ws.awaitClose()).isEqualTo(1001);
            assertThat(hub.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(hub.exitValue()).as("exit status after SIGTERM (143 = terminated by signal after hooks ran)").isIn(0, 143);
            assertThat(Files.readString(log)).contains("shutting down").contains("hub stopped");
        } finally {
            hub.destroyForcibly();
        }
    }
}
