package io.projectindex.hub.server.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The alert rules in force: the original design's nine defaults, adjusted by the config file's
 * {@code alert_rules} section. Configured rules <em>extend</em> the defaults; a configured rule
 * with a default's name overrides only the fields it gives (so {@code {name: high_memory_usage,
 * threshold: 800}} just moves a threshold), and {@code enabled: false} removes a rule. Every
 * problem is reported at start with the rule's index and name. Pure.
 *
 * <pre>
 * alert_rules:
 *   - name: slow_delivery_page       # optional for a new rule: defaults to metric_operator_threshold
 *     metric: event_delivery_latency_ms
 *     operator: gt                   # gt, gte, lt, lte (or &gt;, &gt;=, &lt;, &lt;=)
 *     threshold: 2000
 *     severity: critical             # info, warning (default), error, critical
 *     message: Delivery is very slow # optional
 *     cooldown_seconds: 600          # optional, default 300
 *   - name: high_active_connections
 *     enabled: false
 * </pre>
 */
public final class AlertRules {
    public static final String SECTION = "alert_rules";
    /** Longest configurable cooldown: one day. */
    public static final long MAX_COOLDOWN_SECONDS = 86_400;
    private static final List<String> FIELDS = List.of("name", "metric", "operator", "threshold", "severity",
            "message", "cooldown_seconds", "enabled");

    /** The nine rules of the original design, in its order. */
    public static final List<AlertRule> DEFAULTS = List.of(
            rule("high_delivery_latency", MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, AlertOperator.GT, 500,
                    AlertSeverity.WARNING, "High event delivery latency detected"),
            rule("critical_delivery_latency", MonitoredMetric.EVENT_DELIVERY_LATENCY_MS, AlertOperator.GT, 1000,
                    AlertSeverity.ERROR, "Critical event delivery latency detected"),
            rule("low_connection_success_rate", MonitoredMetric.CONNECTION_SUCCESS_RATE, AlertOperator.LT, 0.90,
                    AlertSeverity.WARNING, "Low connection success rate detected"),
            rule("critical_connection_success_rate", MonitoredMetric.CONNECTION_SUCCESS_RATE, AlertOperator.LT, 0.80,
                    AlertSeverity.ERROR, "Critical connection success rate detected"),
            rule("high_memory_usage", MonitoredMetric.MEMORY_USAGE_MB, AlertOperator.GT, 500,
                    AlertSeverity.WARNING, "High memory usage detected"),
            rule("critical_memory_usage", MonitoredMetric.MEMORY_USAGE_MB, AlertOperator.GT, 1000,
                    AlertSeverity.CRITICAL, "Critical memory usage detected"),
            rule("high_error_rate", MonitoredMetric.ERROR_RATE, AlertOperator.GT, 0.05,
                    AlertSeverity.WARNING, "High error rate detected"),
            rule("high_active_connections", MonitoredMetric.ACTIVE_CONNECTIONS, AlertOperator.GT, 800,
                    AlertSeverity.WARNING, "High number of active connections"),
            rule("large_queue", MonitoredMetric.QUEUE_SIZE, AlertOperator.GT, 1000,
                    AlertSeverity.ERROR, "Event queue size is critically high"));

    private AlertRules() {
    }

    private static AlertRule rule(String name, MonitoredMetric metric, AlertOperator op, double threshold,
                                  AlertSeverity severity, String message) {
        return new AlertRule(name, metric, op, threshold, severity, message, AlertRule.DEFAULT_COOLDOWN);
    }

    /** The rules for a configuration: defaults adjusted by its {@code alert_rules} section. */
    public static List<AlertRule> from(HubConfig config) {
        return from(config.section(SECTION));
    }

    /**
     * @throws ConfigException listing every bad rule, e.g.
     *     {@code alert_rules[1] (slow): metric 'latency' is not one of events_per_second, …}
     */
    public static List<AlertRule> from(Optional<JsonNode> section) {
        if (section.isEmpty() || section.get().isNull()) {
            return DEFAULTS;
        }
        JsonNode list = section.get();
        if (!list.isArray()) {
            throw new ConfigException(SECTION + " must be a list of rules, was " + list.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        Map<String, AlertRule> rules = new LinkedHashMap<>();
        DEFAULTS.forEach(r -> rules.put(r.name(), r));
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            apply(list.get(i), i, rules, seen, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return List.copyOf(rules.values());
    }

    private static void apply(JsonNode node, int index, Map<String, AlertRule> rules, Set<String> seen,
                              List<String> problems) {
        String where = SECTION + "[" + index + "]";
        if (!node.isObject()) {
            problems.add(where + " must be a mapping with metric, operator, threshold, severity…");
            return;
        }
        String name = node.hasNonNull("name") ? node.get("name").asText() : null;
        if (name != null) {
            where += " (" + name + ")";
        }
        int before = problems.size();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add(where + ": unknown field '" + field + "' (fields: " + String.join(", ", FIELDS) + ")");
            }
        }
        if (name != null && !AlertRule.NAME.matcher(name).matches()) {
            problems.add(where + ": name must be lower-case letters, digits, '_', '.', '-' (at most 64), was '" + name + "'");
        }
        if (name != null && !seen.add(name)) {
            problems.add(where + ": name '" + name + "' is configured twice");
        }
        AlertRule base = name == null ? null : rules.get(name);
        if (node.has("enabled") && !node.get("enabled").isBoolean()) {
            problems.add(where + ": enabled must be true or false, was " + node.get("enabled"));
        }
        boolean enabled = !node.has("enabled") || node.get("enabled").asBoolean(true);
        if (!enabled) {
            if (name == null) {
                problems.add(where + ": enabled: false needs the name of the rule to remove");
            } else if (base == null && problems.size() == before) {
                problems.add(where + ": enabled: false names no rule; default rules are "
                        + String.join(", ", DEFAULTS.stream().map(AlertRule::name).toList()));
            }
            if (name != null) {
                rules.remove(name);
            }
            return;
        }

        MonitoredMetric metric = base == null ? null : base.metric();
        if (node.has("metric")) {
            String text = node.get("metric").asText();
            metric = null;
            for (MonitoredMetric m : MonitoredMetric.values()) {
                if (m.wire().equals(text)) {
                    metric = m;
                }
            }
            if (metric == null) {
                problems.add(where + ": metric '" + text + "' is not one of " + String.join(", ", MonitoredMetric.WIRE_NAMES));
            }
        } else if (base == null) {
            problems.add(where + ": metric is required (one of " + String.join(", ", MonitoredMetric.WIRE_NAMES) + ")");
        }

        AlertOperator operator = base == null ? null : base.operator();
        if (node.has("operator")) {
            operator = AlertOperator.fromWire(node.get("operator").asText().trim().toLowerCase(Locale.ROOT));
            if (operator == null) {
                problems.add(where + ": operator '" + node.get("operator").asText() + "' is not one of "
                        + String.join(", ", AlertOperator.WIRE_NAMES));
            }
        } else if (base == null) {
            problems.add(where + ": operator is required (gt, gte, lt or lte)");
        }

        Double threshold = base == null ? null : base.threshold();
        if (node.has("threshold")) {
            JsonNode t = node.get("threshold");
            threshold = t.isNumber() && Double.isFinite(t.asDouble()) ? t.asDouble() : null;
            if (threshold == null) {
                problems.add(where + ": threshold must be a number, was " + t);
            }
        } else if (base == null) {
            problems.add(where + ": threshold is required");
        }

        AlertSeverity severity = base == null ? AlertSeverity.WARNING : base.severity();
        if (node.has("severity")) {
            severity = AlertSeverity.fromWire(node.get("severity").asText().trim().toLowerCase(Locale.ROOT));
            if (severity == null) {
                problems.add(where + ": severity '" + node.get("severity").asText() + "' is not one of "
                        + String.join(", ", AlertSeverity.WIRE_NAMES));
            }
        }

        Duration cooldown = base == null ? AlertRule.DEFAULT_COOLDOWN : base.cooldown();
        if (node.has("cooldown_seconds")) {
            JsonNode c = node.get("cooldown_seconds");
            if (!c.canConvertToLong() || !c.isIntegralNumber() || c.asLong() < 0 || c.asLong() > MAX_COOLDOWN_SECONDS) {
                problems.add(where + ": cooldown_seconds must be an integer 0.." + MAX_COOLDOWN_SECONDS + ", was " + c);
            } else {
                cooldown = Duration.ofSeconds(c.asLong());
            }
        }

        if (problems.size() > before) {
            return;
        }
        String ruleName = name != null ? name : derivedName(metric, operator, threshold);
        if (name == null && !seen.add(ruleName)) {
            problems.add(where + ": rule '" + ruleName + "' is configured twice");
            return;
        }
        String message = node.hasNonNull("message") ? node.get("message").asText()
                : base != null ? base.message()
                : metric.wire() + " " + operator.symbol() + " " + threshold;
        rules.put(ruleName, new AlertRule(ruleName, metric, operator, threshold, severity, message, cooldown));
    }

    private static String derivedName(MonitoredMetric metric, AlertOperator operator, double threshold) {
        String t = threshold == Math.rint(threshold) && Math.abs(threshold) < 1e15
                ? Long.toString((long) threshold) : Double.toString(threshold);
        return (metric.wire() + "_" + operator.wire() + "_" + t).toLowerCase(Locale.ROOT);
    }
}
