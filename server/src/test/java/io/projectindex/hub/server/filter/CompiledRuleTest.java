package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.JsonFields;
import io.projectindex.hub.protocol.filter.Criteria;
import io.projectindex.hub.protocol.filter.FilterRule;
import io.projectindex.hub.protocol.filter.Operator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every criteria × operator of PROTOCOL §7 against the sample events (see {@link SampleEvents}):
 * dep = Java file src/app/Main.java, import, score 0.66; update = python + JavaScript, 30.5 s,
 * score 0.99; progress = 40 % of src/util/x.test.js at 2.5 files/s, score 0.33; the *_bare and
 * dep_badfields events lack or garble the optional fields.
 */
class CompiledRuleTest {
    private static final String P = SampleEvents.PROJECT;
    private static final String Q = "aaaaaaaa-8b7a-4c55-9e0f-1a2b3c4d5e6f";

    @ParameterizedTest(name = "{0} {1} {2} on {3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # event_type: every type
            event_type | equals        | "dependency_changed"                        | dep          | true
            event_type | equals        | "dependency_changed"                        | update       | false
            event_type | not_equals    | "dependency_changed"                        | dep          | false
            event_type | not_equals    | "dependency_changed"                        | update       | true
            event_type | contains      | "progress"                                  | progress     | true
            event_type | contains      | "progress"                                  | dep          | false
            event_type | not_contains  | "progress"                                  | progress     | false
            event_type | not_contains  | "progress"                                  | dep          | true
            event_type | in            | ["analysis_progress","context_optimized"]   | context      | true
            event_type | in            | ["analysis_progress","context_optimized"]   | dep          | false
            event_type | not_in        | ["analysis_progress","context_optimized"]   | context      | false
            event_type | not_in        | ["analysis_progress","context_optimized"]   | dep          | true
            event_type | greater_than  | 1                                           | dep          | false
            event_type | less_than     | 1                                           | dep          | false
            event_type | greater_equal | 1                                           | update       | false
            event_type | less_equal    | 1                                           | update       | false
            event_type | matches       | "*_changed"                                 | dep          | true
            event_type | matches       | "DEPENDENCY_*"                              | dep          | true
            event_type | matches       | "*_changed"                                 | update       | false
            # project_id: every type, UUIDs compare ignoring case
            project_id | equals        | "P"                                         | dep          | true
            project_id | equals        | "P_UPPER"                                   | dep          | true
            project_id | equals        | "Q"                                         | dep          | false
            project_id | not_equals    | "Q"                                         | context      | true
            project_id | not_equals    | "P"                                         | context      | false
            project_id | contains      | "3f0c2d1e"                                  | progress     | true
            project_id | contains      | "ffff"                                      | progress     | false
            project_id | not_contains  | "3F0C"                                      | progress     | false
            project_id | not_contains  | "ffff"                                      | progress     | true
            project_id | in            | ["Q","P"]                                   | update       | true
            project_id | in            | ["Q"]                                       | update       | false
            project_id | not_in        | ["Q"]                                       | update       | true
            project_id | not_in        | ["P"]                                       | update       | false
            project_id | greater_than  | 1                                           | dep          | false
            project_id | less_than     | 1                                           | dep          | false
            project_id | greater_equal | 1                                           | dep          | false
            project_id | less_equal    | 1                                           | dep          | false
            project_id | matches       | "3f0c*"                                     | dep          | true
            project_id | matches       | "abc*"                                      | dep          | false
            # file_language: dependency (one) and update (any of the list), ignoring case
            file_language | equals        | "java"                   | dep           | true
            file_language | equals        | "PYTHON"                 | update        | true
            file_language | equals        | "rust"                   | update        | false
            file_language | equals        | "java"                   | dep_nolang    | false
            file_language | equals        | "java"                   | dep_badfields | false
            file_language | equals        | "java"                   | update_bare   | false
            file_language | equals        | "java"                   | progress      | true
            file_language | not_equals    | "rust"                   | update        | true
            file_language | not_equals    | "python"                 | update        | false
            file_language | not_equals    | "rust"                   | dep_nolang    | false
            file_language | not_equals    | "rust"                   | context       | true
            file_language | contains      | "script"                 | update        | true
            file_language | contains      | "rust"                   | dep           | false
            file_language | not_contains  | "script"                 | update        | false
            file_language | not_contains  | "rust"                   | dep           | true
            file_language | not_contains  | "rust"                   | dep_badfields | false
            file_language | in            | ["go","JAVA"]            | dep           | true
            file_language | in            | ["go"]                   | dep           | false
            file_language | not_in        | ["go"]                   | dep           | true
            file_language | not_in        | ["javascript"]           | update        | false
            file_language | not_in        | ["go"]                   | update_bare   | false
            file_language | greater_than  | 1                        | dep           | false
            file_language | less_than     | 1                        | dep           | false
            file_language | greater_equal | 1                        | update        | false
            file_language | less_equal    | 1                        | update        | false
            file_language | less_equal    | 1                        | progress      | true
            file_language | matches       | "py*"                    | update        | true
            file_language | matches       | "J*"                     | dep           | true
            file_language | matches       | "c*"                     | dep           | false
            # dependency_type: dependency events only
            dependency_type | equals        | "import"              | dep           | true
            dependency_type | equals        | "calls"               | dep           | false
            dependency_type | equals        | "import"              | dep_nolang    | false
            dependency_type | equals        | "import"              | update        | true
            dependency_type | not_equals    | "calls"               | dep           | true
            dependency_type | not_equals    | "import"              | dep           | false
            dependency_type | not_equals    | "calls"               | dep_badfields | false
            dependency_type | contains      | "PORT"                | dep           | true
            dependency_type | contains      | "xyz"                 | dep           | false
            dependency_type | not_contains  | "port"                | dep           | false
            dependency_type | not_contains  | "xyz"                 | dep           | true
            dependency_type | in            | ["import","require"]  | dep           | true
            dependency_type | in            | ["calls"]             | dep           | false
            dependency_type | not_in        | ["calls"]             | dep           | true
            dependency_type | not_in        | ["import"]            | dep           | false
            dependency_type | not_in        | ["calls"]             | dep_nolang    | false
            dependency_type | greater_than  | 1                     | dep           | false
            dependency_type | less_than     | 1                     | dep           | false
            dependency_type | greater_equal | 1                     | dep           | false
            dependency_type | less_equal    | 1                     | dep           | false
            dependency_type | less_equal    | 1                     | context       | true
            dependency_type | matches       | "im*"                 | dep           | true
            dependency_type | matches       | "re*"                 | dep           | false
            # performance_impact: progress processing_rate 2.5, update analysis_duration_seconds 30.5
            performance_impact | equals        | 2.5        | progress      | true
            performance_impact | equals        | 30.5       | update        | true
            performance_impact | equals        | 2          | progress      | false
            performance_impact | equals        | 2          | dep           | true
            performance_impact | not_equals    | 2          | progress      | true
            performance_impact | not_equals    | 2.5        | progress      | false
            performance_impact | not_equals    | 2          | progress_bare | false
            performance_impact | not_equals    | 2          | update_bare   | false
            performance_impact | contains      | "2"        | progress      | false
            performance_impact | contains      | "2"        | context       | true
            performance_impact | not_contains  | "9"        | progress      | false
            performance_impact | in            | [1, 2.5]   | progress      | true
            performance_impact | in            | [1]        | progress      | false
            performance_impact | not_in        | [1]        | progress      | true
            performance_impact | not_in        | [2.5]      | progress      | false
            performance_impact | not_in        | [1]        | progress_bare | false
            performance_impact | greater_than  | 2          | progress      | true
            performance_impact | greater_than  | 2.5        | progress      | false
            performance_impact | greater_than  | 30         | update        | true
            performance_impact | greater_than  | 0          | progress_bare | false
            performance_impact | less_than     | 3          | progress      | true
            performance_impact | less_than     | 2.5        | progress      | false
            performance_impact | greater_equal | 2.5        | progress      | true
            performance_impact | greater_equal | 2.6        | progress      | false
            performance_impact | less_equal    | 2.5        | progress      | true
            performance_impact | less_equal    | 2.4        | progress      | false
            performance_impact | matches       | "2*"       | progress      | false
            # file_path: dependency file_path and progress current_file, case-sensitive, normalised
            file_path | equals        | "src/app/Main.java"             | dep           | true
            file_path | equals        | "./src\\\\app/Main.java"        | dep           | true
            file_path | equals        | "src/app/main.java"             | dep           | false
            file_path | equals        | "src/util/x.test.js"            | progress      | true
            file_path | equals        | "src/util/x.test.js"            | progress_bare | false
            file_path | equals        | "x"                             | update        | true
            file_path | not_equals    | "src/other.java"                | dep           | true
            file_path | not_equals    | "src/app/Main.java"             | dep           | false
            file_path | not_equals    | "x"                             | progress_bare | false
            file_path | contains      | "app/"                          | dep           | true
            file_path | contains      | "APP/"                          | dep           | false
            file_path | not_contains  | "test"                          | dep           | true
            file_path | not_contains  | "test"                          | progress      | false
            file_path | in            | ["b","src/app/Main.java"]       | dep           | true
            file_path | in            | ["b"]                           | dep           | false
            file_path | not_in        | ["b"]                           | dep           | true
            file_path | not_in        | ["src/app/Main.java"]           | dep           | false
            file_path | greater_than  | 1                               | dep           | false
            file_path | less_than     | 1                               | dep           | false
            file_path | greater_equal | 1                               | progress      | false
            file_path | less_equal    | 1                               | progress      | false
            file_path | matches       | "*.java"                        | dep           | true
            file_path | matches       | "src/**"                        | dep           | true
            file_path | matches       | "*.JAVA"                        | dep           | false
            file_path | matches       | "**/*.test.js"                  | progress      | true
            file_path | matches       | "**"                            | progress_bare | false
            file_path | matches       | "*.java"                        | context       | true
            # progress: analysis_progress only (40 %)
            progress | equals        | 40           | progress  | true
            progress | equals        | 41           | progress  | false
            progress | equals        | 41           | update    | true
            progress | not_equals    | 41           | progress  | true
            progress | not_equals    | 40           | progress  | false
            progress | contains      | "4"          | progress  | false
            progress | not_contains  | "9"          | progress  | false
            progress | in            | [25, 40]     | progress  | true
            progress | in            | [25]         | progress  | false
            progress | not_in        | [25]         | progress  | true
            progress | not_in        | [40.0]       | progress  | false
            progress | greater_than  | 39.5         | progress  | true
            progress | greater_than  | 40           | progress  | false
            progress | less_than     | 41           | progress  | true
            progress | less_than     | 40           | progress  | false
            progress | greater_equal | 40           | progress  | true
            progress | greater_equal | 40.1         | progress  | false
            progress | less_equal    | 40           | progress  | true
            progress | less_equal    | 39           | progress  | false
            progress | greater_than  | 99           | dep       | true
            progress | matches       | "4*"         | progress  | false
            # relevance_score: every type (dep 0.66, update 0.99, progress 0.33, context 1.0)
            relevance_score | equals        | 0.66         | dep       | true
            relevance_score | equals        | 0.67         | dep       | false
            relevance_score | not_equals    | 0.66         | dep       | false
            relevance_score | not_equals    | 0.5          | dep       | true
            relevance_score | contains      | "0"          | dep       | false
            relevance_score | not_contains  | "9"          | dep       | false
            relevance_score | in            | [0.33, 0.66] | dep       | true
            relevance_score | in            | [0.33]       | dep       | false
            relevance_score | not_in        | [0.33]       | dep       | true
            relevance_score | not_in        | [0.66]       | dep       | false
            relevance_score | greater_than  | 0.5          | update    | true
            relevance_score | greater_than  | 0.99         | update    | false
            relevance_score | less_than     | 0.34         | progress  | true
            relevance_score | less_than     | 0.33         | progress  | false
            relevance_score | greater_equal | 1            | context   | true
            relevance_score | greater_equal | 0.67         | dep       | false
            relevance_score | less_equal    | 0.66         | dep       | true
            relevance_score | less_equal    | 0.65         | dep       | false
            relevance_score | matches       | "0*"         | dep       | false
            """)
    void everyCriteriaAndOperatorBehavesAsDocumented(String criteria, String operator, String value, String event,
                                                     boolean expected) {
        FilterRule rule = rule(criteria, operator, value.replace("P_UPPER", P.toUpperCase()).replace("\"P\"", "\"" + P + "\"")
                .replace("\"Q\"", "\"" + Q + "\""));
        EventFacts facts = SampleEvents.facts(event);
        assertThat(CompiledRule.compile(rule).test(facts, facts.score(false))).isEqualTo(expected);
    }

    @Test
    void theTableCoversEveryCriteriaAndOperator() throws Exception {
        var source = CompiledRuleTest.class.getDeclaredMethod("everyCriteriaAndOperatorBehavesAsDocumented",
                String.class, String.class, String.class, String.class, boolean.class)
                .getAnnotation(CsvSource.class).textBlock();
        Set<String> seen = new HashSet<>();
        for (String line : source.split("\n")) {
            String[] cols = line.split("\\|");
            if (cols.length == 5 && !line.strip().startsWith("#")) {
                seen.add(cols[0].strip() + " " + cols[1].strip());
            }
        }
        for (Criteria c : Criteria.values()) {
            for (Operator o : Operator.values()) {
                assertThat(seen).as("table row for %s %s", c.wire(), o.wire()).contains(c.wire() + " " + o.wire());
            }
        }
    }

    /**
     * The absence rule: on a type a criteria reads, an event that lacks the field fails the
     * rule for every operator that can apply, the negated ones included.
     */
    @Test
    void anAbsentFieldNeverSatisfiesARuleEvenANegatedOne() {
        String[][] cases = {
                {"file_language", "dep_nolang"}, {"file_language", "dep_badfields"}, {"file_language", "update_bare"},
                {"dependency_type", "dep_nolang"}, {"dependency_type", "dep_badfields"},
                {"performance_impact", "progress_bare"}, {"performance_impact", "update_bare"},
                {"file_path", "progress_bare"}};
        for (String[] c : cases) {
            Criteria criteria = Criteria.fromWire(c[0]).orElseThrow();
            EventFacts facts = SampleEvents.facts(c[1]);
            for (Operator op : Operator.values()) {
                String value = op.membership() ? (criteria.numeric() ? "[1]" : "[\"x\"]")
                        : op.ordering() || criteria.numeric() ? "1" : "\"x\"";
                FilterRule rule = new FilterRule(criteria, op, Json.readTree(value));
                assertThat(CompiledRule.compile(rule).test(facts, facts.score(false)))
                        .as("%s %s %s on %s", c[0], op.wire(), value, c[1]).isFalse();
            }
        }
    }

    @Test
    void rulesPassEventTypesTheirCriteriaDoesNotRead() {
        assertThat(CompiledRule.reads(Criteria.PROGRESS, EventType.ANALYSIS_PROGRESS)).isTrue();
        assertThat(CompiledRule.reads(Criteria.PROGRESS, EventType.DEPENDENCY_CHANGED)).isFalse();
        assertThat(CompiledRule.reads(Criteria.FILE_LANGUAGE, EventType.PROJECT_INDEX_UPDATED)).isTrue();
        assertThat(CompiledRule.reads(Criteria.FILE_LANGUAGE, EventType.CONTEXT_OPTIMIZED)).isFalse();
        assertThat(CompiledRule.reads(Criteria.RELEVANCE_SCORE, EventType.CONTEXT_OPTIMIZED)).isTrue();
        EnumSet<EventType> pathTypes = EnumSet.noneOf(EventType.class);
        for (EventType t : EventType.values()) {
            if (CompiledRule.reads(Criteria.FILE_PATH, t)) {
                pathTypes.add(t);
            }
        }
        assertThat(pathTypes).containsExactlyInAnyOrder(EventType.DEPENDENCY_CHANGED, EventType.ANALYSIS_PROGRESS);
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            progress        | contains     | "5"         | operator contains compares text, but progress is a number
            relevance_score | matches      | "0.*"       | operator matches compares text, but relevance_score is a number
            file_path       | greater_than | 3           | operator greater_than compares numbers, but file_path is text
            event_type      | less_equal   | 3           | operator less_equal compares numbers, but event_type is text
            """)
    void unsupportedCombinationsAreExplained(String criteria, String operator, String value, String problem) {
        assertThat(CompiledRule.problem(rule(criteria, operator, value))).isEqualTo(problem);
    }

    @Test
    void everySupportedCombinationHasNoProblem() {
        for (Criteria c : Criteria.values()) {
            for (Operator o : Operator.values()) {
                boolean unsupported = c.numeric() ? o == Operator.CONTAINS || o == Operator.NOT_CONTAINS || o == Operator.MATCHES
                        : o.ordering();
                String value = o.membership() ? (c.numeric() ? "[1]" : "[\"x\"]") : c.numeric() || o.ordering() ? "1" : "\"x\"";
                assertThat(CompiledRule.problem(new FilterRule(c, o, Json.readTree(value))))
                        .as("%s %s", c.wire(), o.wire()).matches(p -> (p != null) == unsupported);
            }
        }
    }

    static FilterRule rule(String criteria, String operator, String valueJson) {
        List<FieldError> errors = new ArrayList<>();
        var node = Json.object();
        node.put("criteria", criteria);
        node.put("operator", operator);
        node.set("value", Json.readTree(valueJson));
        FilterRule rule = FilterRule.read(JsonFields.checked(node, "rule", errors));
        assertThat(errors).as("protocol validation of the rule").isEmpty();
        return rule;
    }
}
