package io.projectindex.hub.server.filter;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.filter.Criteria;
import io.projectindex.hub.protocol.filter.FilterRule;
import io.projectindex.hub.protocol.filter.GlobSyntax;
import io.projectindex.hub.protocol.filter.Operator;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One custom rule {@code {criteria, operator, value}} compiled for evaluation against
 * {@link EventFacts}. Immutable and thread-safe; never throws while evaluating.
 *
 * <p><b>What each criteria reads</b> (see {@link EventFacts} for the exact fields):
 * {@code event_type} the type name, {@code project_id} {@code data.project_id}, and
 * {@code relevance_score} the score (with this filter's preferred-language bonus) — on every
 * type; {@code file_language} the languages of {@code dependency_changed} and
 * {@code project_index_updated}; {@code dependency_type} the relationship type of
 * {@code dependency_changed}; {@code performance_impact} {@code processing_rate} of
 * {@code analysis_progress} and {@code analysis_duration_seconds} of
 * {@code project_index_updated}; {@code file_path} the path of {@code dependency_changed} and
 * {@code analysis_progress}; {@code progress} {@code progress_percentage} of
 * {@code analysis_progress}.
 *
 * <p><b>Scope and absence.</b> A rule only judges event types its criteria reads: on other
 * types it passes ({@code progress greater_equal 50} leaves dependency events alone). On a type
 * it does read, a field that is absent or malformed never satisfies the rule, whatever the
 * operator — {@code not_equals}, {@code not_contains} and {@code not_in} fail too, so bad data
 * is never delivered "by accident".
 *
 * <p><b>Operators.</b> Negated operators are the exact negation of their positive twin on an
 * event that has the field. On a list field ({@code file_language}) a positive operator holds
 * if any language satisfies it and a negated one if none does. Text comparisons ignore case,
 * except on {@code file_path} (paths are case-sensitive; rule values are normalised like event
 * paths). {@code contains} is a substring test; {@code in} is membership in the value list;
 * {@code matches} is a {@link GlobMatcher} glob; numeric criteria compare as numbers (rule
 * value {@code 50} equals progress {@code 50.0}).
 *
 * <p><b>Unsupported combinations</b> — an ordering operator on a text criteria, or
 * {@code contains}/{@code not_contains}/{@code matches} on a numeric one — are reported by
 * {@link #problem}; if compiled anyway the rule fails on every event it judges.
 */
public final class CompiledRule {
    private static final Map<Criteria, Set<EventType>> READS = new EnumMap<>(Criteria.class);

    static {
        READS.put(Criteria.EVENT_TYPE, EventType.ALL);
        READS.put(Criteria.PROJECT_ID, EventType.ALL);
        READS.put(Criteria.RELEVANCE_SCORE, EventType.ALL);
        READS.put(Criteria.FILE_LANGUAGE, EnumSet.of(EventType.DEPENDENCY_CHANGED, EventType.PROJECT_INDEX_UPDATED));
        READS.put(Criteria.DEPENDENCY_TYPE, EnumSet.of(EventType.DEPENDENCY_CHANGED));
        READS.put(Criteria.PERFORMANCE_IMPACT, EnumSet.of(EventType.ANALYSIS_PROGRESS, EventType.PROJECT_INDEX_UPDATED));
        READS.put(Criteria.FILE_PATH, EnumSet.of(EventType.DEPENDENCY_CHANGED, EventType.ANALYSIS_PROGRESS));
        READS.put(Criteria.PROGRESS, EnumSet.of(EventType.ANALYSIS_PROGRESS));
    }

    private final FilterRule rule;
    private final Set<EventType> reads;
    private final boolean supported;
    private final boolean negated;
    private final double number;
    private final double[] numbers;
    private final String text;
    private final Set<String> texts;
    private final GlobMatcher glob;

    private CompiledRule(FilterRule rule) {
        this.rule = rule;
        Criteria c = rule.criteria();
        Operator op = rule.operator();
        this.reads = c == null ? EventType.ALL : READS.get(c);
        this.supported = problem(rule) == null;
        this.negated = op == Operator.NOT_EQUALS || op == Operator.NOT_CONTAINS || op == Operator.NOT_IN;
        JsonNode v = rule.value();
        this.number = supported && v.isNumber() ? v.doubleValue() : Double.NaN;
        this.numbers = supported && c.numeric() && op.membership() ? numbers(v) : null;
        this.text = supported && !c.numeric() && v.isValueNode() ? canonical(c, v.asText(), op) : null;
        this.texts = supported && !c.numeric() && op.membership() ? texts(c, v) : null;
        this.glob = supported && op == Operator.MATCHES ? GlobMatcher.compile(v.textValue(), c != Criteria.FILE_PATH) : null;
    }

    /** Compiles a rule; an unsupported one compiles to a rule that fails on every event it judges. */
    public static CompiledRule compile(FilterRule rule) {
        return new CompiledRule(rule);
    }

    /** True when rules on {@code criteria} judge events of {@code type} (others pass them). */
    public static boolean reads(Criteria criteria, EventType type) {
        return READS.get(criteria).contains(type);
    }

    /** Why the rule cannot be evaluated meaningfully, or null when it can. */
    public static String problem(FilterRule rule) {
        Criteria c = rule.criteria();
        Operator op = rule.operator();
        JsonNode v = rule.value();
        if (c == null || op == null || v == null) {
            return "criteria, operator and value are required";
        }
        if (c.numeric() && (op == Operator.CONTAINS || op == Operator.NOT_CONTAINS || op == Operator.MATCHES)) {
            return "operator " + op.wire() + " compares text, but " + c.wire() + " is a number";
        }
        if (!c.numeric() && op.ordering()) {
            return "operator " + op.wire() + " compares numbers, but " + c.wire() + " is text";
        }
        if (op.membership()) {
            if (!v.isArray() || v.isEmpty()) {
                return "value must be a non-empty list for operator " + op.wire();
            }
            for (JsonNode item : v) {
                if (c.numeric() ? !item.isNumber() : !item.isValueNode()) {
                    return "value must be a list of " + (c.numeric() ? "numbers" : "strings") + " for criteria " + c.wire();
                }
            }
            return null;
        }
        if (op == Operator.MATCHES) {
            String problem = v.isTextual() ? GlobSyntax.problem(v.textValue()) : "not a string";
            return problem == null ? null : "value is not a valid glob pattern: " + problem;
        }
        if (c.numeric() && !v.isNumber()) {
            return "value must be a number for criteria " + c.wire();
        }
        return v.isValueNode() ? null : "value must be a string, number or boolean for operator " + op.wire();
    }

    public FilterRule rule() {
        return rule;
    }

    /**
     * True when the event passes this rule; {@code score} is the relevance score as the owning
     * filter sees it (its preferred-language bonus included).
     */
    public boolean test(EventFacts f, double score) {
        if (!reads.contains(f.type())) {
            return true;
        }
        if (!supported) {
            return false;
        }
        switch (rule.criteria()) {
            case RELEVANCE_SCORE:
                return testNumber(score);
            case PROGRESS:
                return f.progress() != null && testNumber(f.progress());
            case PERFORMANCE_IMPACT:
                return f.performance() != null && testNumber(f.performance());
            case FILE_LANGUAGE:
                return testTexts(f.languages());
            case EVENT_TYPE:
                return testText(f.type().wire());
            case PROJECT_ID:
                return testText(f.projectId());
            case DEPENDENCY_TYPE:
                return testText(f.dependencyType());
            case FILE_PATH:
                return testText(f.path());
            default:
                return false;
        }
    }

    private boolean testNumber(double v) {
        switch (rule.operator()) {
            case EQUALS:
                return v == number;
            case NOT_EQUALS:
                return v != number;
            case GREATER_THAN:
                return v > number;
            case LESS_THAN:
                return v < number;
            case GREATER_EQUAL:
                return v >= number;
            case LESS_EQUAL:
                return v <= number;
            case IN:
            case NOT_IN:
                for (double n : numbers) {
                    if (v == n) {
                        return !negated;
                    }
                }
                return negated;
            default:
                return false;
        }
    }

    private boolean testText(String v) {
        return v != null && (positive(v) != negated);
    }

    private boolean testTexts(List<String> values) {
        if (values.isEmpty()) {
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            if (positive(values.get(i))) {
                return !negated;
            }
        }
        return negated;
    }

    /** The positive form of the operator (equals for not_equals, …) on one present value. */
    private boolean positive(String v) {
        switch (rule.operator()) {
            case EQUALS:
            case NOT_EQUALS:
                return v.equals(text);
            case CONTAINS:
            case NOT_CONTAINS:
                return v.contains(text);
            case IN:
            case NOT_IN:
                return texts.contains(v);
            case MATCHES:
                return glob.matchesNormalized(v);
            default:
                return false;
        }
    }

    private static String canonical(Criteria c, String s, Operator op) {
        if (c != Criteria.FILE_PATH) {
            return s.toLowerCase(Locale.ROOT);
        }
        return op == Operator.CONTAINS || op == Operator.NOT_CONTAINS ? s.replace('\\', '/') : GlobMatcher.normalize(s);
    }

    private static double[] numbers(JsonNode list) {
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).doubleValue();
        }
        return out;
    }

    private static Set<String> texts(Criteria c, JsonNode list) {
        Set<String> out = new HashSet<>();
        list.forEach(item -> out.add(canonical(c, item.asText(), Operator.IN)));
        return Set.copyOf(out);
    }

    @Override
    public String toString() {
        return rule.criteria().wire() + " " + rule.operator().wire() + " " + rule.value();
    }
}
