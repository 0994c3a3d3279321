package io.projectindex.hub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.filter.Criteria;
import io.projectindex.hub.protocol.filter.FilterRule;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.protocol.filter.NotificationFrequency;
import io.projectindex.hub.protocol.filter.Operator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Subscription filters and connection preferences (PROTOCOL §7) as {@link FilterSpec}s: a builder,
 * a parser for the JSON form, and the JSON encoding sent to the hub. Validation is the protocol
 * module's, so a spec the SDK accepts is one the hub accepts. Thread-safe (stateless).
 */
public final class Filters {
    private Filters() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the JSON form ({@code {"min_progress_threshold":25,"rules":[…]}}); every problem is
     * reported in one {@code INVALID_FIELD} {@link ProtocolException}.
     */
    public static FilterSpec parse(String json) {
        JsonNode node = Json.readTree(json);
        List<FieldError> errors = new ArrayList<>();
        FilterSpec spec = FilterSpec.read(node, "filters", errors);
        if (!errors.isEmpty()) {
            throw ProtocolException.invalidFields(errors);
        }
        return spec;
    }

    /** The JSON object the hub reads for {@code spec} (only fields that differ from the defaults). */
    public static ObjectNode toJson(FilterSpec spec) {
        ObjectNode o = Json.object();
        if (spec.minProgressThreshold() != 0) {
            o.put("min_progress_threshold", spec.minProgressThreshold());
        }
        if (spec.highImpactOnly()) {
            o.put("high_impact_only", true);
        }
        if (spec.notificationFrequency() != NotificationFrequency.NORMAL) {
            o.put("notification_frequency", spec.notificationFrequency().wire());
        }
        if (!spec.preferredLanguages().isEmpty()) {
            ArrayNode a = o.putArray("preferred_languages");
            spec.preferredLanguages().forEach(a::add);
        }
        if (!spec.ignoredFilePatterns().isEmpty()) {
            ArrayNode a = o.putArray("ignored_file_patterns");
            spec.ignoredFilePatterns().forEach(a::add);
        }
        if (!spec.rules().isEmpty()) {
            ArrayNode a = o.putArray("rules");
            for (FilterRule r : spec.rules()) {
                ObjectNode rule = a.addObject();
                rule.put("criteria", r.criteria().wire());
                rule.put("operator", r.operator().wire());
                rule.set("value", r.value());
            }
        }
        return o;
    }

    /** Builds a {@link FilterSpec}; {@link #build()} validates it like the hub does. Not thread-safe. */
    public static final class Builder {
        private final ObjectNode json = Json.object();

        private Builder() {
        }

        /** Deliver an {@code analysis_progress} only when it crosses a multiple of {@code step} percent (0 = off). */
        public Builder minProgressThreshold(int step) {
            json.put("min_progress_threshold", step);
            return this;
        }

        public Builder highImpactOnly(boolean value) {
            json.put("high_impact_only", value);
            return this;
        }

        public Builder notificationFrequency(NotificationFrequency value) {
            json.put("notification_frequency", value.wire());
            return this;
        }

        public Builder preferredLanguages(String... languages) {
            ArrayNode a = json.putArray("preferred_languages");
            Arrays.stream(languages).forEach(a::add);
            return this;
        }

        public Builder ignoredFilePatterns(String... globs) {
            ArrayNode a = json.putArray("ignored_file_patterns");
            Arrays.stream(globs).forEach(a::add);
            return this;
        }

        /** Adds a custom rule; {@code value} is a string, number, boolean or a list of them. */
        public Builder rule(Criteria criteria, Operator operator, Object value) {
            ArrayNode rules = json.has("rules") ? (ArrayNode) json.get("rules") : json.putArray("rules");
            ObjectNode r = rules.addObject();
            r.put("criteria", criteria.wire());
            r.put("operator", operator.wire());
            r.set("value", Json.toTree(value));
            return this;
        }

        public FilterSpec build() {
            return parse(Json.write(json));
        }
    }
}
