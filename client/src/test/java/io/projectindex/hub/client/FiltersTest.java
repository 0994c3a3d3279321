package io.projectindex.hub.client;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.protocol.filter.Criteria;
import io.projectindex.hub.protocol.filter.FilterSpec;
import io.projectindex.hub.protocol.filter.NotificationFrequency;
import io.projectindex.hub.protocol.filter.Operator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Filters built in Java, parsed from JSON and encoded for the hub agree with the protocol's reading. */
class FiltersTest {

    @Test
    void aBuiltSpecEncodesToJsonThatReadsBackToTheSameSpec() {
        FilterSpec spec = Filters.builder().minProgressThreshold(25).highImpactOnly(true)
                .notificationFrequency(NotificationFrequency.LOW).preferredLanguages("python", "java")
                .ignoredFilePatterns("*.test.js", "**/generated/**")
                .rule(Criteria.FILE_PATH, Operator.MATCHES, "src/**")
                .rule(Criteria.PROGRESS, Operator.GREATER_EQUAL, 50)
                .build();

        assertThat(spec.minProgressThreshold()).isEqualTo(25);
        assertThat(spec.rules()).hasSize(2);
        assertThat(Filters.parse(Json.write(Filters.toJson(spec)))).isEqualTo(spec);
    }

    @Test
    void theDefaultSpecEncodesAsAnEmptyObject() {
        assertThat(Filters.toJson(FilterSpec.DEFAULT).isEmpty()).isTrue();
        assertThat(Filters.builder().build()).isEqualTo(FilterSpec.DEFAULT);
    }

    @Test
    void everyProblemOfAFilterIsReportedAsInvalidField() {
        assertThatThrownBy(() -> Filters.parse("{\"min_progress_threshold\":150,\"rules\":[{\"criteria\":\"nope\","
                + "\"operator\":\"equals\",\"value\":1}]}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
                    assertThat(e.field()).isEqualTo("filters.min_progress_threshold");
                    assertThat((List<?>) e.details().get("errors")).hasSize(2);
                });
    }
}
