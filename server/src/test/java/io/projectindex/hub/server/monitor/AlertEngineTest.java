package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AlertEngineTest {
    private static final AlertRule HIGH_LATENCY = new AlertRule("high_delivery_latency",
            MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, AlertOperator.GT, 500, AlertSeverity.WARNING,
            "High event delivery latency detected", Duration.ofMinutes(5));
    private static final AlertRule LOW_SUCCESS = new AlertRule("low_connection_success_rate",
            MonitoredMetric.CONNECTION_SUCCESS_RATE, AlertOperator.LT, 0.9, AlertSeverity.ERROR,
            "Low connection success rate detected", Duration.ofMinutes(5));

    private final FakeClock clock = new FakeClock();
    private final HubMetrics metrics = new HubMetrics(false);
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final AlertEngine engine = new AlertEngine(List.of(HIGH_LATENCY, LOW_SUCCESS), metrics, notifier);

    @AfterEach
    void close() {
        metrics.close();
    }

    private List<Alert> tick(double latencyMs) {
        clock.advance(Duration.ofSeconds(30));
        return engine.evaluate(new Sample(clock.now(), Map.of(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, latencyMs)));
    }

    private double firedCounter(String severity) {
        return PrometheusText.parse(metrics.scrape()).value(HubMetrics.PREFIX + "alerts_fired_total", "severity", severity);
    }

    @Test
    void firesOnceWhenCrossedStaysQuietWhileBreachedAndResolvesWhenBack() {
        assertThat(tick(100)).isEmpty();
        List<Alert> fired = tick(700);
        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo(HIGH_LATENCY);
            assertThat(a.value()).isEqualTo(700);
            assertThat(a.firedAt()).isEqualTo(clock.now());
            assertThat(a.active()).isTrue();
        });
        var firedAt = clock.now();
        assertThat(tick(900)).isEmpty();
        assertThat(tick(650)).isEmpty();
        assertThat(engine.view().active()).singleElement().satisfies(a -> assertThat(a.lastValue()).contains(650.0));
        assertThat(notifier.fired).hasSize(1);
        assertThat(firedCounter("warning")).isEqualTo(1);

        tick(120);
        var resolvedAt = clock.now();
        AlertEngine.View view = engine.view();
        assertThat(view.active()).isEmpty();
        assertThat(view.recent()).singleElement().satisfies(a -> {
            assertThat(a.firedAt()).isEqualTo(firedAt);
            assertThat(a.resolvedAt()).contains(resolvedAt);
            assertThat(a.lastValue()).contains(120.0);
        });
        assertThat(notifier.resolved).extracting(Alert::id).containsExactly(fired.get(0).id());
    }

    @Test
    void doesNotFireAgainWithinItsCooldownButDoesAfterIt() {
        tick(700);                                  // fires at t0
        tick(100);                                  // resolves at t0 + 30 s
        for (int i = 0; i < 8; i++) {
            assertThat(tick(800)).isEmpty();        // t0 + 60 s … t0 + 4 min 30 s: within the 5 min cooldown
        }
        assertThat(engine.view().active()).isEmpty();
        assertThat(engine.view().suppressedTotal()).isEqualTo(8);
        assertThat(tick(800)).hasSize(1);           // t0 + 5 min: cooldown over, still breached
        assertThat(notifier.fired).hasSize(2);
        assertThat(engine.view().firedTotal()).isEqualTo(2);
        assertThat(firedCounter("warning")).isEqualTo(2);
    }

    @Test
    void aMetricWithoutASampleResolvesItsAlertInsteadOfStayingActiveForever() {
        tick(700);
        clock.advance(Duration.ofSeconds(30));
        engine.evaluate(new Sample(clock.now(), Map.of()));     // no deliveries in this interval
        assertThat(engine.view().active()).isEmpty();
        assertThat(engine.view().recent()).singleElement().satisfies(a -> assertThat(a.lastValue()).isEmpty());
    }

    @Test
    void lessThanRulesFireBelowTheirThreshold() {
        clock.advance(Duration.ofSeconds(30));
        List<Alert> fired = engine.evaluate(new Sample(clock.now(), Map.of(MonitoredMetric.CONNECTION_SUCCESS_RATE, 0.85)));
        assertThat(fired).extracting(a -> a.rule().name()).containsExactly("low_connection_success_rate");
        assertThat(firedCounter("error")).isEqualTo(1);
    }

    @Test
    void aFailingNotifierIsCountedAndDoesNotStopEvaluation() {
        AlertNotifier broken = new AlertNotifier() {
            @Override
            public void onFired(Alert alert) {
                throw new IllegalStateException("webhook down");
            }

            @Override
            public void onResolved(Alert alert) {
                throw new IllegalStateException("webhook down");
            }
        };
        AlertEngine e = new AlertEngine(List.of(HIGH_LATENCY, LOW_SUCCESS), metrics, broken);
        clock.advance(Duration.ofSeconds(30));
        List<Alert> fired = e.evaluate(new Sample(clock.now(), Map.of(MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, 700.0,
                MonitoredMetric.CONNECTION_SUCCESS_RATE, 0.5)));
        assertThat(fired).hasSize(2);
        assertThat(PrometheusText.parse(metrics.scrape()).value(HubMetrics.PREFIX + "errors_total",
                "error_type", "notifier_failed", "component", "monitoring")).isEqualTo(2);
    }

    @Test
    void recentAlertsAreBoundedNewestFirst() {
        AlertRule noCooldown = new AlertRule("q", MonitoredMetric.QUEUE_SIZE, AlertOperator.GT, 10, AlertSeverity.INFO,
                "queue", Duration.ZERO);
        AlertEngine e = new AlertEngine(List.of(noCooldown), metrics, AlertNotifier.NONE, 3);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(30));
            e.evaluate(new Sample(clock.now(), Map.of(MonitoredMetric.QUEUE_SIZE, 100.0 + i)));
            clock.advance(Duration.ofSeconds(30));
            e.evaluate(new Sample(clock.now(), Map.of(MonitoredMetric.QUEUE_SIZE, 0.0)));
        }
        assertThat(e.view().recent()).extracting(Alert::value).containsExactly(104.0, 103.0, 102.0);
        assertThat(e.view().recent().get(0).id()).isEqualTo("q#5");
    }

    @Test
    void viewRendersTheDocumentedShape() {
        tick(700);
        Map<String, Object> json = engine.view().toJson(clock.now());
        assertThat(json).containsOnlyKeys("timestamp", "evaluated_at", "active", "recent", "fired_total",
                "suppressed_total", "rules");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> active = (List<Map<String, Object>>) json.get("active");
        assertThat(active).singleElement().satisfies(a -> {
            assertThat(a).containsOnlyKeys("id", "rule", "metric", "severity", "message", "operator", "threshold",
                    "value", "last_value", "status", "fired_at", "resolved_at");
            assertThat(a).containsEntry("status", "active").containsEntry("resolved_at", null)
                    .containsEntry("fired_at", "2025-01-15T12:00:30.000Z").containsEntry("severity", "warning");
        });
        assertThat(new AlertEngine(List.of(), metrics, AlertNotifier.NONE).view().toJson(clock.now()))
                .containsEntry("evaluated_at", null);
    }

    private static final class RecordingNotifier implements AlertNotifier {
        final List<Alert> fired = new ArrayList<>();
        final List<Alert> resolved = new ArrayList<>();

        @Override
        public void onFired(Alert alert) {
            fired.add(alert);
        }

        @Override
        public void onResolved(Alert alert) {
            resolved.add(alert);
        }
    }
}
