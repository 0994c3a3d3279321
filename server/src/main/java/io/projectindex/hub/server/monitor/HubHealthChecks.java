package io.projectindex.hub.server.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The hub's health checks, built from small inputs so each can be tested alone. Rates come from
 * the latest sample of {@link MetricHistory} (one interval, not since start), and a missing rate
 * means no traffic, which is healthy: a fresh idle hub reports {@code healthy}.
 */
public final class HubHealthChecks {
    /** Below this share of accepted handshakes the connection pool is unhealthy: 0.8, as in the original. */
    public static final double MIN_CONNECTION_SUCCESS_RATE = 0.8;
    /** Below this share of successful publishes the publisher is unhealthy: 0.9, as in the original. */
    public static final double MIN_PUBLISH_SUCCESS_RATE = 0.9;
    /** Above this error rate the hub is degraded: 0.05, as in the original. */
    public static final double MAX_ERROR_RATE = 0.05;
    /** Process memory above which the hub is degraded: 1000 MiB, as in the original. */
    public static final long DEFAULT_MEMORY_LIMIT_BYTES = 1000L * 1024 * 1024;
    /** Heap in use above this share of the heap limit is degraded: 0.9. */
    public static final double MAX_HEAP_FRACTION = 0.9;

    private HubHealthChecks() {
    }

    /**
     * The standard set: connection_pool, event_publisher, history_store (required), redis
     * (required, only when configured), memory_usage, error_rates.
     *
     * @param sampleInterval the sampler's interval; a rate older than two intervals counts as unknown
     */
    public static List<HealthCheck> standard(MetricHistory history, Duration sampleInterval,
                                             IntSupplier activeConnections, int maxConnections,
                                             String historyBackend, Supplier<? extends CompletionStage<?>> historyPing,
                                             Optional<Supplier<? extends CompletionStage<?>>> redisPing,
                                             Supplier<MemoryStatus> memory) {
        Duration fresh = sampleInterval.multipliedBy(2);
        List<HealthCheck> checks = new ArrayList<>();
        checks.add(connectionPool(activeConnections, maxConnections,
                () -> history.recent(MonitoredMetric.CONNECTION_SUCCESS_RATE, fresh)));
        checks.add(eventPublisher(() -> history.recent(MonitoredMetric.PUBLISH_SUCCESS_RATE, fresh)));
        checks.add(ping("history_store", historyBackend, historyPing));
        redisPing.ifPresent(p -> checks.add(ping("redis_connectivity", "redis", p)));
        checks.add(memory(memory, DEFAULT_MEMORY_LIMIT_BYTES));
        checks.add(errorRates(() -> history.recent(MonitoredMetric.ERROR_RATE, fresh)));
        return checks;
    }

    /** Advisory: handshakes mostly succeed (or none were tried) and the node is below its connection limit. */
    public static HealthCheck connectionPool(IntSupplier activeConnections, int maxConnections,
                                             Supplier<OptionalDouble> recentSuccessRate) {
        return HealthCheck.of("connection_pool", HealthCheck.Kind.ADVISORY, () -> {
            int active = activeConnections.getAsInt();
            OptionalDouble rate = recentSuccessRate.get();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("active_connections", active);
            d.put("max_connections", maxConnections);
            d.put("utilization", maxConnections > 0 ? (double) active / maxConnections : 0.0);
            d.put("connection_success_rate", rate.isPresent() ? rate.getAsDouble() : null);
            d.put("min_success_rate", MIN_CONNECTION_SUCCESS_RATE);
            boolean rateOk = rate.isEmpty() || rate.getAsDouble() >= MIN_CONNECTION_SUCCESS_RATE;
            boolean room = active < maxConnections;
            if (!room) {
                d.put("error", "connection limit reached: new connections are refused");
            } else if (!rateOk) {
                d.put("error", "connection success rate below " + MIN_CONNECTION_SUCCESS_RATE);
            }
            return new CheckResult(rateOk && room, d);
        });
    }

    /** Advisory: publishes that reached the store mostly succeeded (or there were none). */
    public static HealthCheck eventPublisher(Supplier<OptionalDouble> recentSuccessRate) {
        return rate("event_publisher", "success_rate", recentSuccessRate, MIN_PUBLISH_SUCCESS_RATE, true);
    }

    /** Advisory: errors per operation stayed below {@link #MAX_ERROR_RATE} (or there were no operations). */
    public static HealthCheck errorRates(Supplier<OptionalDouble> recentErrorRate) {
        return rate("error_rates", "error_rate", recentErrorRate, MAX_ERROR_RATE, false);
    }

    private static HealthCheck rate(String name, String field, Supplier<OptionalDouble> source, double limit,
                                    boolean atLeast) {
        return HealthCheck.of(name, HealthCheck.Kind.ADVISORY, () -> {
            OptionalDouble rate = source.get();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put(field, rate.isPresent() ? rate.getAsDouble() : null);
            d.put(atLeast ? "min_" + field : "max_" + field, limit);
            d.put("idle", rate.isEmpty());
            if (rate.isEmpty()) {
                return CheckResult.healthy(d);
            }
            double v = rate.getAsDouble();
            boolean ok = atLeast ? v >= limit : v <= limit;
            if (!ok) {
                d.put("error", field + " " + v + (atLeast ? " below " : " above ") + limit);
            }
            return new CheckResult(ok, d);
        });
    }

    /** Required: the backend answers a ping within the health-check timeout. */
    public static HealthCheck ping(String name, String backend, Supplier<? extends CompletionStage<?>> ping) {
        return HealthCheck.async(name, HealthCheck.Kind.REQUIRED, () -> ping.get().handle((ok, t) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("backend", backend);
            if (t == null) {
                return CheckResult.healthy(d);
            }
            Throwable cause = t.getCause() != null && t instanceof java.util.concurrent.CompletionException ? t.getCause() : t;
            return CheckResult.failed(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), d);
        }));
    }

    /** Advisory: process memory below {@code limitBytes} and heap below {@link #MAX_HEAP_FRACTION} of its limit. */
    public static HealthCheck memory(Supplier<MemoryStatus> memory, long limitBytes) {
        return HealthCheck.of("memory_usage", HealthCheck.Kind.ADVISORY, () -> {
            MemoryStatus m = memory.get();
            double mib = 1024.0 * 1024.0;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("memory_mb", m.usedBytes() / mib);
            d.put("source", m.source());
            d.put("limit_mb", limitBytes / mib);
            d.put("heap_used_mb", m.heapUsedBytes() / mib);
            d.put("heap_max_mb", m.heapMaxBytes() > 0 ? m.heapMaxBytes() / mib : null);
            boolean underLimit = m.usedBytes() < limitBytes;
            boolean heapOk = m.heapMaxBytes() <= 0 || m.heapUsedBytes() < MAX_HEAP_FRACTION * m.heapMaxBytes();
            if (!underLimit) {
                d.put("error", "memory " + Math.round(m.usedBytes() / mib) + " MiB at or above the limit of "
                        + Math.round(limitBytes / mib) + " MiB");
            } else if (!heapOk) {
                d.put("error", "heap above " + Math.round(MAX_HEAP_FRACTION * 100) + " % of its maximum");
            }
            return new CheckResult(underLimit && heapOk, d);
        });
    }
}
