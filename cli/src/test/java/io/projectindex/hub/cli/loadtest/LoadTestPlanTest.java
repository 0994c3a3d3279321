package io.projectindex.hub.cli.loadtest;

import io.projectindex.hub.protocol.EventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadTestPlanTest {

    private static LoadTestPlan plan(URI target, int connections, double rate, Duration duration, long maxEvents,
                                     int batch, Duration hold) {
        return new LoadTestPlan(target, false, null, List.of(), Map.of(), null, connections, rate, batch, duration,
                maxEvents, Duration.ofSeconds(2), hold, false, LoadTestPlan.Compression.NONE, 1,
                EventType.DEPENDENCY_CHANGED, 0, 2000, 256, Duration.ofSeconds(60), Duration.ofSeconds(30), 2, 32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8000", "http://127.1.2.3:9", "http://localhost:8000", "http://[::1]:8000"})
    void loopbackTargetsAreAccepted(String url) {
        assertThat(LoadTestPlan.notLoopback(URI.create(url))).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "http://10.0.0.5:8000;          must be a loopback address",
            "http://0.0.0.0:8000;           must be a loopback address",
            "http://example.com:8000;       IP literal or localhost",
            "https://127.0.0.1:8000;        must look like",
            "http://127.0.0.1;              must look like",
    })
    void otherTargetsAreRefusedWithoutALookup(String url, String reason) {
        assertThat(LoadTestPlan.notLoopback(URI.create(url))).contains(reason);
        assertThatThrownBy(() -> plan(URI.create(url), 10, 10, Duration.ofSeconds(1), 100, 1, Duration.ZERO))
                .hasMessageContaining(reason);
    }

    @Test
    void boundsAreCheckedAndEveryProblemIsNamed() {
        assertThatThrownBy(() -> plan(URI.create("http://127.0.0.1:8000"), 0, -1, Duration.ofHours(2), 10, 2000,
                Duration.ofDays(1)))
                .hasMessageContaining("--connections must be 1..25000, was 0")
                .hasMessageContaining("--rate must be 0..1000000, was -1")
                .hasMessageContaining("--duration must be 0..60m")
                .hasMessageContaining("--hold must be 0..60m")
                .hasMessageContaining("--publish-batch must be 1..1000, was 2000");
    }

    @Test
    void plannedEventsAreTheRateOverWarmupAndDurationCappedByMaxEvents() {
        URI t = URI.create("http://127.0.0.1:8000");
        LoadTestPlan uncapped = plan(t, 10, 100, Duration.ofSeconds(10), 1_000_000, 3, Duration.ZERO);
        assertThat(uncapped.plannedEvents()).isEqualTo(1200); // (2 s warm-up + 10 s) x 100/s
        assertThat(uncapped.plannedRequests()).isEqualTo(400);
        LoadTestPlan capped = plan(t, 10, 100, Duration.ofSeconds(10), 50, 3, Duration.ZERO);
        assertThat(capped.plannedEvents()).isEqualTo(50);
        assertThat(capped.plannedRequests()).isEqualTo(17); // the last request holds 2
    }
}
