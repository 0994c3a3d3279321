package io.projectindex.hub.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The WebSocket and REST addresses derive from the hub URL; settings are validated with their names. */
class ClientOptionsTest {

    @Test
    void addressesDeriveFromTheHubUrlWithTheConnectionOptionsInTheQuery() {
        // hub URL, batch, gzip, client id, expected WebSocket URI, expected events URI
        Object[][] table = {
                {"http://127.0.0.1:8000", false, false, null,
                        "ws://127.0.0.1:8000/api/v1/project-index/websocket", "http://127.0.0.1:8000/api/v1/project-index/events"},
                {"https://hub.example.com/", true, false, null,
                        "wss://hub.example.com/api/v1/project-index/websocket?batch=true", "https://hub.example.com/api/v1/project-index/events"},
                {"http://proxy:80/hub", true, true, "ide-42",
                        "ws://proxy:80/hub/api/v1/project-index/websocket?batch=true&compression=gzip&client_id=ide-42",
                        "http://proxy:80/hub/api/v1/project-index/events"},
                {"ws://localhost:8000", false, true, null,
                        "ws://localhost:8000/api/v1/project-index/websocket?compression=gzip", "http://localhost:8000/api/v1/project-index/events"},
        };
        for (Object[] row : table) {
            ClientOptions o = ClientOptions.builder((String) row[0]).batch((boolean) row[1]).gzip((boolean) row[2])
                    .clientId((String) row[3]).build();
            assertThat(o.websocketUri()).as("%s", row[0]).hasToString((String) row[4]);
            assertThat(o.eventsUri()).as("%s", row[0]).hasToString((String) row[5]);
        }
    }

    @Test
    void aTokenSupplierIsAskedForEveryConnectionAndOverridesTheStaticToken() {
        int[] calls = {0};
        ClientOptions o = ClientOptions.builder("http://127.0.0.1:8000").token("static")
                .tokenSupplier(() -> "fresh-" + (++calls[0])).build();

        assertThat(o.currentToken()).isEqualTo("fresh-1");
        assertThat(o.currentToken()).isEqualTo("fresh-2");
        assertThat(ClientOptions.builder("http://h:1").token("static").build().currentToken()).isEqualTo("static");
    }

    @Test
    void invalidOptionsAreRefusedWithTheSettingAndValue() {
        assertThatThrownBy(() -> ClientOptions.of("ftp://host")).hasMessageContaining("hubUrl");
        assertThatThrownBy(() -> ClientOptions.of("http://host:1?x=1")).hasMessageContaining("query");
        assertThatThrownBy(() -> ClientOptions.builder("http://h:1").clientId("has space").build()).hasMessageContaining("clientId");
        assertThatThrownBy(() -> ClientOptions.builder("http://h:1").maxQueuedFrames(0).build())
                .hasMessageContaining("maxQueuedFrames must be 1..1000000, was 0");
        assertThatThrownBy(() -> ClientOptions.builder("http://h:1").requestTimeout(Duration.ZERO).build())
                .hasMessageContaining("requestTimeout");
    }
}
