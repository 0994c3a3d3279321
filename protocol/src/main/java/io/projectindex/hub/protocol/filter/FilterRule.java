package io.projectindex.hub.protocol.filter;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.JsonFields;

import java.util.Set;

/**
 * A custom allow rule {@code {criteria, operator, value}}: an event passes only if the rule
 * holds. Validated when parsed: unknown criteria or operators and values of the wrong shape for
 * the operator are errors, never ignored.
 */
public record FilterRule(Criteria criteria, Operator operator, JsonNode value) {
    private static final Set<String> FIELDS = Set.of("criteria", "operator", "value");

    /** Value as text for string comparisons, or null if not a scalar. */
    @JsonIgnore
    public String valueText() {
        return value != null && value.isValueNode() ? value.asText() : null;
    }

    /**
     * Reads one rule at {@code f}'s path; problems go to {@code f}'s error list, and the result is
     * null when the rule is unusable.
     */
    public static FilterRule read(JsonFields f) {
        if (!f.isObject()) {
            return null;
        }
        int before = f.errorCount();
        f.rejectUnknown(FIELDS);
        Criteria criteria = f.enumValue("criteria", Criteria::fromWire, Criteria.WIRE_NAMES, true);
        Operator operator = f.enumValue("operator", Operator::fromWire, Operator.WIRE_NAMES, true);
        JsonNode value = f.raw("value");
        if (value == null) {
            f.error("value", "is required");
        } else if (operator != null) {
            checkValue(f, criteria, operator, value);
        }
        if (criteria == null || operator == null || value == null || f.errorCount() != before) {
            return null;
        }
        return new FilterRule(criteria, operator, value);
    }

    private static void checkValue(JsonFields f, Criteria criteria, Operator operator, JsonNode value) {
        if (operator.membership()) {
            if (!value.isArray() || value.isEmpty()) {
                f.error("value", "must be a non-empty list for operator " + operator.wire());
                return;
            }
            for (JsonNode item : value) {
                if (!item.isValueNode()) {
                    f.error("value", "must be a list of strings or numbers for operator " + operator.wire());
                    return;
                }
                checkScalar(f, criteria, item);
            }
        } else if (operator.ordering()) {
            if (!value.isNumber()) {
                f.error("value", "must be a number for operator " + operator.wire());
            }
        } else if (operator == Operator.MATCHES) {
            if (!value.isTextual() || value.textValue().isEmpty()) {
                f.error("value", "must be a non-empty glob pattern for operator matches");
            } else {
                String problem = GlobSyntax.problem(value.textValue());
                if (problem != null) {
                    f.error("value", "is not a valid glob pattern: " + problem);
                }
            }
        } else if (!value.isValueNode()) {
            f.error("value", "must be a string, number or boolean for operator " + operator.wire());
        } else if (operator == Operator.EQUALS || operator == Operator.NOT_EQUALS) {
            checkScalar(f, criteria, value);
        }
    }

    private static void checkScalar(JsonFields f, Criteria criteria, JsonNode v) {
        if (criteria == Criteria.EVENT_TYPE && (!v.isTextual() || EventType.fromWire(v.textValue()).isEmpty())) {
            f.error("value", "must name event types (" + String.join(", ", EventType.WIRE_NAMES) + "), was " + v);
        } else if (criteria == Criteria.PROJECT_ID && (!v.isTextual() || !JsonFields.isUuid(v.textValue()))) {
            f.error("value", "must be project UUIDs, was " + v);
        } else if (criteria != null && criteria.numeric() && !v.isNumber()) {
            f.error("value", "must be a number for criteria " + criteria.wire() + ", was " + v);
        }
    }
}
