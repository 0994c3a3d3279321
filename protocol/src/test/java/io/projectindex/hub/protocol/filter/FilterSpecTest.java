package io.projectindex.hub.protocol.filter;

import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FilterSpecTest {

    private static FilterSpec read(String json, List<FieldError> errors) {
        return FilterSpec.read(Json.readTree(json), "filters", errors);
    }

    @Test
    void absentFieldsTakeTheirDefaultsAndTheAliasesAreOneSetting() {
        List<FieldError> errors = new ArrayList<>();
        assertThat(read("{}", errors)).isEqualTo(FilterSpec.DEFAULT);
        assertThat(read("{\"min_progress_updates\":25}", errors).minProgressThreshold()).isEqualTo(25);
        assertThat(read("{\"min_progress_threshold\":25}", errors)).isEqualTo(read("{\"min_progress_updates\":25}", errors));
        assertThat(errors).isEmpty();
        read("{\"min_progress_updates\":25,\"min_progress_threshold\":10}", errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("filters.min_progress_updates");
    }

    @Test
    void validRulesOfEveryOperatorShapeAreAccepted() {
        List<FieldError> errors = new ArrayList<>();
        FilterSpec spec = read("""
                {"rules":[{"criteria":"event_type","operator":"in","value":["analysis_progress","dependency_changed"]},
                          {"criteria":"progress","operator":"greater_equal","value":50},
                          {"criteria":"file_path","operator":"matches","value":"src/**/*.py"},
                          {"criteria":"file_language","operator":"not_equals","value":"go"},
                          {"criteria":"dependency_type","operator":"contains","value":"imp"}]}""", errors);
        assertThat(errors).isEmpty();
        assertThat(spec.rules()).hasSize(5);
        assertThat(spec.rules().get(1).operator()).isEqualTo(Operator.GREATER_EQUAL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"rules\":[{\"criteria\":\"colour\",\"operator\":\"equals\",\"value\":1}]}|filters.rules[0].criteria",
            "{\"rules\":[{\"criteria\":\"progress\",\"operator\":\"approximately\",\"value\":1}]}|filters.rules[0].operator",
            "{\"rules\":[{\"criteria\":\"progress\",\"operator\":\"greater_than\",\"value\":\"50\"}]}|filters.rules[0].value",
            "{\"rules\":[{\"criteria\":\"event_type\",\"operator\":\"in\",\"value\":\"x\"}]}|filters.rules[0].value",
            "{\"rules\":[{\"criteria\":\"event_type\",\"operator\":\"equals\",\"value\":\"file_change\"}]}|filters.rules[0].value",
            "{\"rules\":[{\"criteria\":\"file_path\",\"operator\":\"matches\",\"value\":\"src/[a\"}]}|filters.rules[0].value",
            "{\"rules\":[{\"criteria\":\"file_path\",\"operator\":\"equals\"}]}|filters.rules[0].value",
            "{\"rules\":[{\"criteria\":\"file_path\",\"operator\":\"equals\",\"value\":\"a\",\"weight\":2}]}|filters.rules[0].weight",
            "{\"rules\":{}}|filters.rules",
            "{\"ignored_file_patterns\":[\"ok\",\"bad[\"]}|filters.ignored_file_patterns[1]",
            "{\"preferred_languages\":\"python\"}|filters.preferred_languages",
            "{\"min_progress_threshold\":101}|filters.min_progress_threshold",
            "{\"notification_frequency\":\"often\"}|filters.notification_frequency",
            "{\"high_impact\":true}|filters.high_impact"})
    void aBadFilterNamesTheOffendingField(String json, String field) {
        List<FieldError> errors = new ArrayList<>();
        read(json, errors);
        assertThat(errors).extracting(FieldError::field).contains(field);
    }
}
