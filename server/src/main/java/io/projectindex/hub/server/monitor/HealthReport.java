package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.Timestamps;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The result of running every health check once: the body of {@code GET /websocket/health}. */
public record HealthReport(Instant timestamp, HealthStatus status, List<Outcome> checks) {
    public HealthReport {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(status, "status");
        checks = List.copyOf(checks);
    }

    /** One check's result and how long it took. */
    public record Outcome(String name, HealthCheck.Kind kind, CheckResult result, Duration took) {
    }

    /** Builds the report, deriving the overall status from the outcomes. */
    public static HealthReport of(Instant timestamp, List<Outcome> checks) {
        HealthStatus status = HealthStatus.HEALTHY;
        for (Outcome o : checks) {
            if (!o.result().healthy()) {
                status = o.kind() == HealthCheck.Kind.REQUIRED ? HealthStatus.UNHEALTHY
                        : status == HealthStatus.UNHEALTHY ? status : HealthStatus.DEGRADED;
            }
        }
        return new HealthReport(timestamp, status, checks);
    }

    /** Ready to serve: every required check passes (what {@code /readyz} answers, besides draining). */
    public boolean ready() {
        return checks.stream().allMatch(o -> o.kind() != HealthCheck.Kind.REQUIRED || o.result().healthy());
    }

    /**
     * {@code {status, ready, timestamp, checks: {name: {healthy, required, duration_ms, …details}}}}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", status.wire());
        json.put("ready", ready());
        json.put("timestamp", Timestamps.format(timestamp));
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Outcome o : checks) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("healthy", o.result().healthy());
            c.put("required", o.kind() == HealthCheck.Kind.REQUIRED);
            c.put("duration_ms", o.took().toNanos() / 1e6);
            o.result().details().forEach(c::putIfAbsent);
            byName.put(o.name(), c);
        }
        json.put("checks", byName);
        return json;
    }
}
