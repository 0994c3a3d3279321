package io.projectindex.hub.server.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class AlertRulesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<AlertRule> load(String yaml) throws IOException {
        return AlertRules.from(Optional.of(YAML.readTree(yaml)));
    }

    private static AlertRule named(List<AlertRule> rules, String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void defaultsAreTheOriginalNineThresholds() {
        assertThat(AlertRules.from(Optional.empty()))
                .extracting(r -> r.metric().wire(), r -> r.operator().symbol(), AlertRule::threshold, r -> r.severity().wire())
                .containsExactly(
                        tuple("event_delivery_latency_ms", ">", 500.0, "warning"),
                        tuple("event_delivery_latency_ms", ">", 1000.0, "error"),
                        tuple("connection_success_rate", "<", 0.90, "warning"),
                        tuple("connection_success_rate", "<", 0.80, "error"),
                        tuple("memory_usage_mb", ">", 500.0, "warning"),
                        tuple("memory_usage_mb", ">", 1000.0, "critical"),
                        tuple("error_rate", ">", 0.05, "warning"),
                        tuple("active_connections", ">", 800.0, "warning"),
                        tuple("queue_size", ">", 1000.0, "error"));
        assertThat(AlertRules.DEFAULTS).allMatch(r -> r.cooldown().equals(Duration.ofMinutes(5)));
    }

    @Test
    void configuredRulesExtendOverrideByNameAndDisableDefaults() throws IOException {
        List<AlertRule> rules = load("""
                - name: slow_delivery_page
                  metric: event_delivery_latency_ms
                  operator: ">="
                  threshold: 2000
                  severity: critical
                  cooldown_seconds: 600
                - name: high_memory_usage
                  threshold: 800
                - name: high_active_connections
                  enabled: false
                - metric: queue_size
                  operator: gt
                  threshold: 50
                """);

        assertThat(rules).hasSize(AlertRules.DEFAULTS.size() - 1 + 2);
        AlertRule page = named(rules, "slow_delivery_page");
        assertThat(page.operator()).isEqualTo(AlertOperator.GTE);
        assertThat(page.severity()).isEqualTo(AlertSeverity.CRITICAL);
        assertThat(page.cooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(page.message()).isEqualTo("event_delivery_latency_ms >= 2000.0");

        AlertRule memory = named(rules, "high_memory_usage");
        assertThat(memory.threshold()).isEqualTo(800);
        assertThat(memory.severity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(memory.message()).isEqualTo("High memory usage detected");

        assertThat(rules).noneMatch(r -> r.name().equals("high_active_connections"));
        AlertRule derived = named(rules, "queue_size_gt_50");
        assertThat(derived.severity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(derived.cooldown()).isEqualTo(AlertRule.DEFAULT_COOLDOWN);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown metric      | [{name: x, metric: latency, operator: gt, threshold: 1}]       | alert_rules[0] (x): metric 'latency' is not one of events_per_second",
            "bad operator        | [{name: x, metric: queue_size, operator: eq, threshold: 1}]    | alert_rules[0] (x): operator 'eq' is not one of gt, gte, lt, lte",
            "threshold as text   | [{name: x, metric: queue_size, operator: gt, threshold: lots}] | alert_rules[0] (x): threshold must be a number",
            "missing threshold   | [{name: x, metric: queue_size, operator: gt}]                  | alert_rules[0] (x): threshold is required",
            "bad severity        | [{name: x, metric: queue_size, operator: gt, threshold: 1, severity: fatal}] | severity 'fatal' is not one of info, warning, error, critical",
            "negative cooldown   | [{name: x, metric: queue_size, operator: gt, threshold: 1, cooldown_seconds: -5}] | cooldown_seconds must be an integer 0..86400",
            "typo in a field     | [{name: x, metric: queue_size, operator: gt, threshold: 1, treshold: 2}] | alert_rules[0] (x): unknown field 'treshold'",
            "same name twice     | [{name: a, metric: queue_size, operator: gt, threshold: 1}, {name: a, metric: queue_size, operator: gt, threshold: 2}] | alert_rules[1] (a): name 'a' is configured twice",
            "disable unknown     | [{name: nope, enabled: false}]                                 | alert_rules[0] (nope): enabled: false names no rule",
            "disable without name | [{metric: queue_size, enabled: false}]                        | alert_rules[0]: enabled: false needs the name of the rule to remove",
            "enabled not boolean | [{name: large_queue, enabled: 'no'}]                           | alert_rules[0] (large_queue): enabled must be true or false",
            "bad name            | [{name: 'Bad Name', metric: queue_size, operator: gt, threshold: 1}] | name must be lower-case",
            "not a mapping       | [42]                                                           | alert_rules[0] must be a mapping",
            "not a list          | {name: x}                                                      | alert_rules must be a list of rules, was object",
    })
    void badRulesAreRejectedWithAMessageNamingTheRule(String why, String yaml, String expected) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }

    @Test
    void everyBadRuleIsReportedAtOnce() {
        assertThatThrownBy(() -> load("""
                - {name: a, metric: nope, operator: gt, threshold: 1}
                - {name: b, metric: queue_size, operator: gt}
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactly("alert_rules[0] (a): metric 'nope' is not one of " + String.join(", ", MonitoredMetric.WIRE_NAMES),
                        "alert_rules[1] (b): threshold is required"));
    }

    @Test
    void rulesComeFromTheConfigFileSection(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, """
                alert_rules:
                  - name: large_queue
                    threshold: 10
                """);
        HubConfig config = HubConfig.of(Map.of("HUB_CONFIG", file.toString()));
        assertThat(named(AlertRules.from(config), "large_queue").threshold()).isEqualTo(10);
        assertThat(AlertRules.from(HubConfig.of(Map.of()))).isEqualTo(AlertRules.DEFAULTS);
    }

    @Test
    void aNullSectionMeansDefaults() throws IOException {
        JsonNode empty = YAML.readTree("alert_rules:").get("alert_rules");
        assertThat(AlertRules.from(Optional.ofNullable(empty))).isEqualTo(AlertRules.DEFAULTS);
    }
}
