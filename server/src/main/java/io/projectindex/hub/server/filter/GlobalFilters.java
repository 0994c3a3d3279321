package io.projectindex.hub.server.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.JsonFields;
import io.projectindex.hub.protocol.filter.FilterRule;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.HubConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Server-wide allow rules from the {@code global_filters} section of the config file, checked
 * once per event before any connection's preferences or subscription filters. Immutable and
 * thread-safe.
 *
 * <p>The section is a list of rules in the shape of {@code subscribe.filters.rules}:
 * <pre>
 * global_filters:
 *   - {criteria: file_path, operator: not_contains, value: "/secrets/"}
 *   - {criteria: relevance_score, operator: greater_equal, value: 0.2}
 * </pre>
 * Every rule must hold ({@link CompiledRule} semantics; {@code relevance_score} is the score
 * without any preferred-language bonus). A bad rule stops the server at start with an error
 * naming it ({@code global_filters[1].operator must be one of …}).
 */
public final class GlobalFilters {
    public static final String SECTION = "global_filters";
    public static final GlobalFilters NONE = new GlobalFilters(List.of());

    private final List<FilterRule> rules;
    private final CompiledRule[] compiled;

    private GlobalFilters(List<FilterRule> rules) {
        this.rules = List.copyOf(rules);
        this.compiled = rules.stream().map(CompiledRule::compile).toArray(CompiledRule[]::new);
    }

    /** The rules of the config's {@code global_filters} section; none when the section is absent. */
    public static GlobalFilters from(HubConfig config) {
        return config.section(SECTION).map(GlobalFilters::parse).orElse(NONE);
    }

    /** Parses the section; throws {@link ConfigException} listing every bad rule by index. */
    public static GlobalFilters parse(JsonNode section) {
        if (section == null || section.isNull() || section.isMissingNode()) {
            return NONE;
        }
        if (!section.isArray()) {
            throw new ConfigException(SECTION + " must be a list of {criteria, operator, value} rules, was "
                    + section.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        List<FieldError> errors = new ArrayList<>();
        List<FilterRule> rules = new ArrayList<>();
        for (int i = 0; i < section.size(); i++) {
            String path = SECTION + "[" + i + "]";
            JsonNode node = section.get(i);
            if (!node.isObject()) {
                errors.add(new FieldError(path, "must be an object with criteria, operator and value, was " + node));
                continue;
            }
            FilterRule rule = FilterRule.read(JsonFields.checked(node, path, errors));
            if (rule == null) {
                continue;
            }
            String problem = CompiledRule.problem(rule);
            if (problem != null) {
                errors.add(new FieldError(path, problem));
                continue;
            }
            rules.add(rule);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.stream().map(e -> e.field() + " " + e.message()).toList());
        }
        return new GlobalFilters(rules);
    }

    /** The rules in force, in config order (for the monitoring API). */
    public List<FilterRule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** {@link FilterDecision#PASS}, or {@link FilterDecision#GLOBAL_RULE} when a rule fails. */
    public FilterDecision test(EventFacts facts) {
        double score = facts.score(false);
        for (CompiledRule r : compiled) {
            if (!r.test(facts, score)) {
                return FilterDecision.GLOBAL_RULE;
            }
        }
        return FilterDecision.PASS;
    }
}
