package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.Timestamps;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One firing of an {@link AlertRule}: active until the metric is back on the good side of the
 * threshold (or has no sample), then resolved with the time it recovered.
 *
 * @param id        unique within the process: the rule name and a sequence number
 * @param value     the metric value that fired the alert
 * @param lastValue the latest value seen while active (the resolving value once resolved, absent if it had no sample)
 */
public record Alert(String id, AlertRule rule, double value, Instant firedAt, Optional<Double> lastValue,
                    Optional<Instant> resolvedAt) {
    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(firedAt, "firedAt");
        Objects.requireNonNull(lastValue, "lastValue");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
    }

    public boolean active() {
        return resolvedAt.isEmpty();
    }

    Alert seen(double v) {
        return new Alert(id, rule, value, firedAt, Optional.of(v), resolvedAt);
    }

    Alert resolved(Instant at, Optional<Double> v) {
        return new Alert(id, rule, value, firedAt, v, Optional.of(at));
    }

    /**
     * {@code {id, rule, metric, severity, message, operator, threshold, value, last_value, status,
     * fired_at, resolved_at}}; {@code last_value} and {@code resolved_at} are null when unknown.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("rule", rule.name());
        json.put("metric", rule.metric().wire());
        json.put("severity", rule.severity().wire());
        json.put("message", rule.message());
        json.put("operator", rule.operator().wire());
        json.put("threshold", rule.threshold());
        json.put("value", value);
        json.put("last_value", lastValue.orElse(null));
        json.put("status", active() ? "active" : "resolved");
        json.put("fired_at", Timestamps.format(firedAt));
        json.put("resolved_at", resolvedAt.map(Timestamps::format).orElse(null));
        return json;
    }
}
