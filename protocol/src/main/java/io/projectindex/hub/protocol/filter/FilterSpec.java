package io.projectindex.hub.protocol.filter;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.JsonFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Filters of a subscription ({@code subscribe.filters}) or preferences of a connection
 * ({@code set_preferences.preferences}); both have the same fields (PROTOCOL §7). Absent fields
 * take their defaults: 0 (off), false, {@code normal}, empty lists. The progress step is read
 * from {@code min_progress_threshold} or its alias {@code min_progress_updates}.
 *
 * <p>Immutable; equal specs are interchangeable, which lets the hub group subscriptions that
 * filter identically.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record FilterSpec(
        int minProgressThreshold,
        boolean highImpactOnly,
        NotificationFrequency notificationFrequency,
        List<String> preferredLanguages,
        List<String> ignoredFilePatterns,
        List<FilterRule> rules) {

    public static final FilterSpec DEFAULT =
            new FilterSpec(0, false, NotificationFrequency.NORMAL, List.of(), List.of(), List.of());
    public static final int MAX_LIST_ITEMS = 100;
    public static final int MAX_RULES = 50;

    private static final Set<String> FIELDS = Set.of("min_progress_threshold", "min_progress_updates",
            "high_impact_only", "notification_frequency", "preferred_languages", "ignored_file_patterns", "rules");

    public FilterSpec {
        notificationFrequency = notificationFrequency == null ? NotificationFrequency.NORMAL : notificationFrequency;
        preferredLanguages = List.copyOf(preferredLanguages);
        ignoredFilePatterns = List.copyOf(ignoredFilePatterns);
        rules = List.copyOf(rules);
    }

    /** True when this spec lets every event through (the default). */
    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /**
     * Reads a filter object at {@code path}; every problem is added to {@code errors}. A null or
     * absent node reads as {@link #DEFAULT}.
     */
    public static FilterSpec read(JsonNode node, String path, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return DEFAULT;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(path, "must be an object"));
            return DEFAULT;
        }
        JsonFields f = JsonFields.checked(node, path, errors);
        f.rejectUnknown(FIELDS);
        Long threshold = f.integer("min_progress_threshold", 0, 100, false);
        Long updates = f.integer("min_progress_updates", 0, 100, false);
        if (threshold != null && updates != null && !threshold.equals(updates)) {
            f.error("min_progress_updates", "conflicts with min_progress_threshold (they are the same setting)");
        }
        long step = threshold != null ? threshold : updates != null ? updates : 0;
        Boolean highImpact = f.bool("high_impact_only", false);
        NotificationFrequency freq = f.enumValue("notification_frequency", NotificationFrequency::fromWire,
                NotificationFrequency.WIRE_NAMES, false);
        List<String> languages = f.stringList("preferred_languages", MAX_LIST_ITEMS, 64, false);
        List<String> patterns = f.stringList("ignored_file_patterns", MAX_LIST_ITEMS, GlobSyntax.MAX_LENGTH, false);
        if (patterns != null) {
            for (int i = 0; i < patterns.size(); i++) {
                String problem = GlobSyntax.problem(patterns.get(i));
                if (problem != null) {
                    f.error("ignored_file_patterns[" + i + "]", "is not a valid glob pattern: " + problem);
                }
            }
        }
        List<FilterRule> rules = readRules(f, errors);
        return new FilterSpec((int) step, Boolean.TRUE.equals(highImpact), freq,
                languages == null ? List.of() : languages,
                patterns == null ? List.of() : patterns,
                rules);
    }

    private static List<FilterRule> readRules(JsonFields f, List<FieldError> errors) {
        JsonNode rulesNode = f.raw("rules");
        if (rulesNode == null) {
            return List.of();
        }
        if (!rulesNode.isArray()) {
            f.error("rules", "must be a list of {criteria, operator, value} objects");
            return List.of();
        }
        if (rulesNode.size() > MAX_RULES) {
            f.error("rules", "must have at most " + MAX_RULES + " rules, had " + rulesNode.size());
            return List.of();
        }
        List<FilterRule> rules = new ArrayList<>();
        for (int i = 0; i < rulesNode.size(); i++) {
            String rulePath = f.path("rules") + "[" + i + "]";
            JsonNode r = rulesNode.get(i);
            if (!r.isObject()) {
                errors.add(new FieldError(rulePath, "must be an object with criteria, operator and value"));
                continue;
            }
            FilterRule rule = FilterRule.read(JsonFields.checked(r, rulePath, errors));
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }
}
