package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class HealthChecksTest {
    private static final MemoryStatus SMALL = new MemoryStatus(200L << 20, 50L << 20, 1024L << 20, 40L << 20);
    private final FakeClock clock = new FakeClock();
    private final MetricHistory history = new MetricHistory(clock);

    private static HealthReport run(HealthChecks checks) throws Exception {
        return checks.run().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private List<HealthCheck> standard(Supplier<CompletionStage<?>> historyPing,
                                       Optional<Supplier<? extends CompletionStage<?>>> redisPing) {
        return HubHealthChecks.standard(history, Duration.ofSeconds(30), () -> 0, 1000, "memory", historyPing, redisPing,
                () -> SMALL);
    }

    @Test
    void aFreshIdleHubIsHealthyAndReady() throws Exception {
        HealthReport report = run(new HealthChecks(clock, standard(() -> CompletableFuture.completedFuture(null),
                Optional.empty())));

        assertThat(report.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(report.ready()).isTrue();
        assertThat(report.status().score()).isEqualTo(1.0);
        assertThat(report.checks()).extracting(HealthReport.Outcome::name)
                .containsExactly("connection_pool", "event_publisher", "history_store", "memory_usage", "error_rates");
        Map<String, Object> json = report.toJson();
        assertThat(json).containsEntry("status", "healthy").containsEntry("ready", true);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> checks = (Map<String, Map<String, Object>>) json.get("checks");
        assertThat(checks.get("event_publisher")).containsEntry("healthy", true).containsEntry("idle", true)
                .containsEntry("success_rate", null).containsEntry("required", false);
        assertThat(checks.get("connection_pool")).containsEntry("connection_success_rate", null)
                .containsEntry("active_connections", 0);
        assertThat(checks.get("history_store")).containsEntry("required", true).containsEntry("backend", "memory");
    }

    @Test
    void aFailingRequiredBackendMakesTheHubUnhealthyAndNotReady() throws Exception {
        HealthReport report = run(new HealthChecks(clock, standard(
                () -> CompletableFuture.failedFuture(new IllegalStateException("connection refused (postgres 127.0.0.1:5432)")),
                Optional.of(() -> CompletableFuture.completedFuture(null)))));

        assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(report.ready()).isFalse();
        HealthReport.Outcome store = report.checks().stream().filter(o -> o.name().equals("history_store")).findFirst().orElseThrow();
        assertThat(store.result().healthy()).isFalse();
        assertThat(store.result().details()).containsEntry("error", "connection refused (postgres 127.0.0.1:5432)");
        assertThat(report.checks()).extracting(HealthReport.Outcome::name).contains("redis_connectivity");
    }

    @Test
    void aFailingAdvisoryCheckDegradesButKeepsTheHubReady() throws Exception {
        history.record(MonitoredMetric.ERROR_RATE, 0.2);
        HealthReport report = run(new HealthChecks(clock, standard(() -> CompletableFuture.completedFuture(null),
                Optional.empty())));
        assertThat(report.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(report.ready()).isTrue();
        assertThat(report.status().score()).isEqualTo(0.5);
    }

    @Test
    void aRateOlderThanTwoIntervalsCountsAsNoTraffic() throws Exception {
        history.record(MonitoredMetric.ERROR_RATE, 0.2);
        clock.advance(Duration.ofSeconds(61));
        HealthReport report = run(new HealthChecks(clock, standard(() -> CompletableFuture.completedFuture(null),
                Optional.empty())));
        assertThat(report.status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void aProbeThatThrowsOrNeverAnswersCountsAsFailed() throws Exception {
        HealthChecks checks = new HealthChecks(clock, List.of(
                HealthCheck.of("throws", HealthCheck.Kind.ADVISORY, () -> {
                    throw new IllegalStateException("boom");
                }),
                HealthCheck.async("hangs", HealthCheck.Kind.REQUIRED, CompletableFuture::new)), Duration.ofMillis(20));

        HealthReport report = run(checks);

        assertThat(report.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(report.checks().get(0).result().details()).containsEntry("error", "boom");
        assertThat(report.checks().get(1).result().details()).containsEntry("error", "no answer within 20 ms");
    }

    @Test
    void connectionPoolFailsBelowTheSuccessRateOrAtTheLimit() {
        CheckResult lowRate = probe(HubHealthChecks.connectionPool(() -> 10, 1000, () -> OptionalDouble.of(0.7)));
        CheckResult full = probe(HubHealthChecks.connectionPool(() -> 1000, 1000, OptionalDouble::empty));
        CheckResult fine = probe(HubHealthChecks.connectionPool(() -> 10, 1000, () -> OptionalDouble.of(0.8)));
        assertThat(lowRate.healthy()).isFalse();
        assertThat(full.healthy()).isFalse();
        assertThat(full.details()).containsEntry("utilization", 1.0);
        assertThat(fine.healthy()).isTrue();
    }

    @Test
    void memoryFailsAtTheLimitOrWithAnAlmostFullHeap() {
        CheckResult big = probe(HubHealthChecks.memory(() -> new MemoryStatus(1100L << 20, 10, 100, 0),
                HubHealthChecks.DEFAULT_MEMORY_LIMIT_BYTES));
        CheckResult heap = probe(HubHealthChecks.memory(() -> new MemoryStatus(-1, 95, 100, 0),
                HubHealthChecks.DEFAULT_MEMORY_LIMIT_BYTES));
        CheckResult ok = probe(HubHealthChecks.memory(() -> SMALL, HubHealthChecks.DEFAULT_MEMORY_LIMIT_BYTES));
        assertThat(big.healthy()).isFalse();
        assertThat(big.details()).containsEntry("source", "rss").containsEntry("memory_mb", 1100.0);
        assertThat(heap.healthy()).isFalse();
        assertThat(heap.details()).containsEntry("source", "jvm");
        assertThat(ok.healthy()).isTrue();
    }

    @Test
    void publisherFailsBelowNinetyPercentSuccess() {
        assertThat(probe(HubHealthChecks.eventPublisher(() -> OptionalDouble.of(0.85))).healthy()).isFalse();
        assertThat(probe(HubHealthChecks.eventPublisher(() -> OptionalDouble.of(0.95))).healthy()).isTrue();
    }

    @Test
    void theProcessMemoryReaderFindsARealValue() {
        MemoryStatus m = MemoryStatus.read();
        assertThat(m.usedBytes()).isPositive();
        assertThat(MemoryStatus.parseKilobytes("   123456 kB")).isEqualTo(123456);
    }

    private static CheckResult probe(HealthCheck check) {
        return check.probe().get().toCompletableFuture().join();
    }
}
