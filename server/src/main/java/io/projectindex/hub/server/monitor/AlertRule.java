package io.projectindex.hub.server.monitor;

import java.time.Duration;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One alert rule: it is breached while {@code metric operator threshold} holds for the latest
 * sample. {@code name} identifies the rule (configuration overrides a default rule by name).
 * {@code cooldown} is the least time between two firings of the rule.
 */
public record AlertRule(String name, MonitoredMetric metric, AlertOperator operator, double threshold,
                        AlertSeverity severity, String message, Duration cooldown) {
    /** Five minutes between two firings of one rule, as in the original. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    public AlertRule {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rule name must match " + NAME.pattern() + ", was '" + name + "'");
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be a finite number, was " + threshold);
        }
        if (cooldown == null || cooldown.isNegative()) {
            throw new IllegalArgumentException("cooldown must be zero or positive, was " + cooldown);
        }
    }

    public boolean breached(double value) {
        return operator.breached(value, threshold);
    }

    /** {@code {name, metric, operator, threshold, severity, message, cooldown_seconds}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("metric", metric.wire());
        json.put("operator", operator.wire());
        json.put("threshold", threshold);
        json.put("severity", severity.wire());
        json.put("message", message);
        json.put("cooldown_seconds", cooldown.toSeconds());
        return json;
    }

    @Override
    public String toString() {
        return name + " (" + metric.wire() + " " + operator.symbol() + " " + threshold + ", " + severity.wire() + ")";
    }
}
