package io.projectindex.hub.server.monitor;

import io.projectindex.hub.server.config.HubConfig;
import io.projectindex.hub.server.time.HubClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Thread-safe and non-blocking, except {@link #tick()}, which has one periodic caller (every
 * {@code MONITORING_INTERVAL_SECONDS}). The monitoring system in one place, for the scheduler and
 * the REST routes.
 *
 * <pre>
 * every MONITORING_INTERVAL_SECONDS:    monitor.tick()           sample → history → alert rules
 * every HEALTH_CHECK_INTERVAL_SECONDS:  monitor.checkHealth()    sets the health_score gauge
 * GET /websocket/health                 monitor.checkHealth()    → report.toJson(), 503 if unhealthy
 * GET /readyz                           monitor.checkHealth()    → report.ready()
 * GET /websocket/performance            monitor.performance(window(q, 60 min)).toJson()
 * GET /websocket/anomalies              monitor.anomalies(window(q, anomalyWindow), metricName).toJson()
 * GET /websocket/alerts                 monitor.alerts().toJson(clock.now())
 * </pre>
 */
public final class Monitor {
    private static final Logger log = LoggerFactory.getLogger(Monitor.class);
    /** Longest window a query may ask for: one week, in minutes (10,080). */
    public static final int MAX_WINDOW_MINUTES = 10_080;
    /** Window of {@code /websocket/performance} when none is given: 60 minutes. */
    public static final Duration DEFAULT_PERFORMANCE_WINDOW = Duration.ofMinutes(60);

    private final HubClock clock;
    private final HubMetrics metrics;
    private final MetricHistory history;
    private final MetricSampler sampler;
    private final AlertEngine alerts;
    private final AnomalyDetector anomalies;
    private final HealthChecks health;
    private final Duration anomalyWindow;
    private final AtomicReference<HealthStatus> lastStatus = new AtomicReference<>();

    public Monitor(HubClock clock, HubMetrics metrics, MetricHistory history, MetricSampler sampler, AlertEngine alerts,
                   HealthChecks health, Duration anomalyWindow) {
        this.clock = clock;
        this.metrics = metrics;
        this.history = history;
        this.sampler = sampler;
        this.alerts = alerts;
        this.anomalies = new AnomalyDetector(history, clock);
        this.health = health;
        this.anomalyWindow = anomalyWindow;
    }

    /**
     * Wires the standard monitor: a history of {@link MetricHistory#DEFAULT_CAPACITY} samples per
     * metric fed from {@link HubMetrics#snapshot()}, the alert rules of the configuration
     * ({@link AlertRules#from(HubConfig)}, which throws {@code ConfigException} for bad rules), and
     * the health checks {@code checks} builds over the history (usually
     * {@link HubHealthChecks#standard}).
     */
    public static Monitor create(HubConfig config, HubClock clock, HubMetrics metrics,
                                 Function<MetricHistory, List<HealthCheck>> checks, AlertNotifier notifier) {
        MetricHistory history = new MetricHistory(clock);
        MetricSampler sampler = new MetricSampler(clock, history, metrics::snapshot);
        AlertEngine engine = new AlertEngine(AlertRules.from(config), metrics, notifier);
        return new Monitor(clock, metrics, history, sampler, engine, new HealthChecks(clock, checks.apply(history)),
                config.monitoring().anomalyWindow());
    }

    /** Samples the metrics, stores them and evaluates the alert rules; returns the sample. */
    public Sample tick() {
        Sample sample = sampler.sample();
        alerts.evaluate(sample);
        return sample;
    }

    /** Runs every health check, updates the {@code health_score} gauge and logs status changes. */
    public CompletionStage<HealthReport> checkHealth() {
        return health.run().thenApply(report -> {
            metrics.healthScore(report.status().score());
            HealthStatus before = lastStatus.getAndSet(report.status());
            if (before != report.status()) {
                String failing = String.join(", ", report.checks().stream().filter(o -> !o.result().healthy())
                        .map(o -> o.name() + " (" + o.result().details().getOrDefault("error", "unhealthy") + ")").toList());
                if (report.status() == HealthStatus.HEALTHY) {
                    log.info("health: {}", report.status().wire());
                } else {
                    log.warn("health: {}; failing: {}", report.status().wire(), failing);
                }
            }
            return report;
        });
    }

    public PerformanceSummary performance(Duration window) {
        return PerformanceSummary.of(history, window, clock.now(), Baseline.DEFAULTS);
    }

    /** @throws MonitorQueryException when {@code metricName} is not a monitored metric */
    public AnomalyDetector.Report anomalies(Duration window, Optional<String> metricName) {
        return anomalies.scan(window, metricName);
    }

    public AlertEngine.View alerts() {
        return alerts.view();
    }

    public MetricHistory history() {
        return history;
    }

    /** The configured {@code ANOMALY_DETECTION_WINDOW_MINUTES}. */
    public Duration anomalyWindow() {
        return anomalyWindow;
    }

    /**
     * Parses a {@code window_minutes} query value: absent or blank gives {@code fallback}, anything
     * but an integer 1..{@value #MAX_WINDOW_MINUTES} is a {@link MonitorQueryException}.
     */
    public static Duration window(String raw, Duration fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        long minutes;
        try {
            minutes = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            minutes = -1;
        }
        if (minutes < 1 || minutes > MAX_WINDOW_MINUTES) {
            throw new MonitorQueryException("window_minutes", "window_minutes must be an integer 1.." + MAX_WINDOW_MINUTES
                    + ", was '" + raw + "'", List.of());
        }
        return Duration.ofMinutes(minutes);
    }
}
