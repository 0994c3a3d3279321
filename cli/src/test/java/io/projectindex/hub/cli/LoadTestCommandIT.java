package io.projectindex.hub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.server.testing.TestHub;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The loadtest command in-process against a real hub: small fleets, every delivery checked. */
class LoadTestCommandIT {

    private static JsonNode run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new LoadTestCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; stderr:%n%s%nstdout:%n%s", err.toString(StandardCharsets.UTF_8), stdout)
                .isZero();
        return Json.readTree(stdout);
    }

    @Test
    void twentyConnectionsReceiveFiftyEventsEachContiguouslyWithLatencyForEveryDelivery() {
        try (TestHub hub = TestHub.start()) {
            JsonNode r = run("--target", hub.baseUrl(), "--server-pid", Long.toString(ProcessHandle.current().pid()),
                    "--connections", "20", "--projects", "2", "--rate", "100", "--max-events", "50",
                    "--duration", "5s", "--json");
            assertThat(r.at("/fleet/subscribed").asInt()).isEqualTo(20);
            assertThat(r.at("/publishing/events_accepted").asLong()).isEqualTo(50);
            // 25 events per project, 10 connections per project.
            assertThat(r.at("/delivery/expected").asLong()).isEqualTo(500);
            assertThat(r.at("/delivery/delivered").asLong()).isEqualTo(500);
            assertThat(r.at("/delivery/missing").asLong()).isZero();
            assertThat(r.at("/delivery/duplicates_or_out_of_order").asLong()).isZero();
            assertThat(r.at("/delivery/drained").asBoolean()).isTrue();
            assertThat(r.at("/latency/count").asLong()).isEqualTo(500);
            assertThat(r.at("/latency/p50_millis").asDouble()).isPositive();
            assertThat(r.at("/latency/max_millis").asDouble())
                    .isGreaterThanOrEqualTo(r.at("/latency/p99_millis").asDouble());
            assertThat(r.at("/server/rss_idle_bytes").asLong()).isPositive();
            assertThat(r.at("/server/cpu_seconds").asDouble()).isPositive();
            assertThat(r.at("/fleet/closed_during_run").size()).isZero();
            assertThat(r.at("/warnings").size()).isZero();
        }
    }

    @Test
    void batchedGzipConnectionsWithPublishBatchesAlsoGetEveryEventOnce() {
        try (TestHub hub = TestHub.start(Map.of("WEBSOCKET_COMPRESSION_THRESHOLD", "256"))) {
            JsonNode r = run("--target", hub.baseUrl(), "--connections", "20", "--rate", "200", "--publish-batch", "5",
                    "--max-events", "50", "--duration", "5s", "--batch", "--compression", "gzip",
                    "--payload-bytes", "600", "--json");
            assertThat(r.at("/delivery/expected").asLong()).isEqualTo(1000);
            assertThat(r.at("/delivery/delivered").asLong()).isEqualTo(1000);
            assertThat(r.at("/delivery/unreadable_frames").asLong()).isZero();
            assertThat(r.at("/delivery/gzip_frames").asLong()).as("padded events are above the 256-byte threshold")
                    .isPositive();
            assertThat(r.at("/latency/count").asLong()).isEqualTo(1000);
            assertThat(r.path("server").isNull()).as("no pid given: the hub is not measured").isTrue();
        }
    }
}
