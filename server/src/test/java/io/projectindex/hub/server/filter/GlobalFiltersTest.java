package io.projectindex.hub.server.filter;

import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.filter.Criteria;
import io.projectindex.hub.protocol.filter.Operator;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.ConfigLoader;
import io.projectindex.hub.server.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GlobalFiltersTest {
    @TempDir
    Path dir;

    private HubConfig configWith(String yaml) throws IOException {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(Map.of(), Map.of("HUB_CONFIG", file.toString()));
    }

    @Test
    void rulesFromTheConfigFileAreListedAndAppliedToEveryEvent() throws IOException {
        GlobalFilters global = GlobalFilters.from(configWith("""
                global_filters:
                  - criteria: file_path
                    operator: matches
                    value: "**/generated/**"
                  - {criteria: relevance_score, operator: greater_equal, value: 0.5}
                """));
        assertThat(global.rules()).extracting(r -> r.criteria(), r -> r.operator())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Criteria.FILE_PATH, Operator.MATCHES),
                        org.assertj.core.groups.Tuple.tuple(Criteria.RELEVANCE_SCORE, Operator.GREATER_EQUAL));
        assertThat(global.test(SampleEvents.facts("update"))).as("no path: the path rule does not judge it").isEqualTo(FilterDecision.PASS);
        assertThat(global.test(SampleEvents.facts("dep"))).as("path outside generated/").isEqualTo(FilterDecision.GLOBAL_RULE);
        assertThat(global.test(SampleEvents.facts("progress"))).isEqualTo(FilterDecision.GLOBAL_RULE);
        assertThat(global.test(SampleEvents.factsOf("""
                {"type":"dependency_changed","data":{"file_path":"a/generated/x.py","change_type":"modified"}}""")))
                .isEqualTo(FilterDecision.PASS);
    }

    @Test
    void aConfigWithoutTheSectionHasNoGlobalRules() throws IOException {
        GlobalFilters global = GlobalFilters.from(configWith("WEBSOCKET_BATCH_SIZE: 10\n"));
        assertThat(global.isEmpty()).isTrue();
        assertThat(global.test(SampleEvents.facts("progress"))).isEqualTo(FilterDecision.PASS);
        assertThat(GlobalFilters.from(configWith("global_filters:\n"))).isSameAs(GlobalFilters.NONE);
    }

    @Test
    void everyBadRuleIsNamedByItsIndex() throws IOException {
        HubConfig config = configWith("""
                global_filters:
                  - {criteria: event_type, operator: equals, value: dependency_changed}
                  - {criteria: event_type, operator: similar_to, value: x}
                  - {criteria: colour, operator: equals, value: red}
                  - {criteria: file_path, operator: greater_than, value: 3}
                  - just a string
                  - {criteria: progress, operator: in, value: []}
                """);
        assertThatThrownBy(() -> GlobalFilters.from(config))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).satisfiesExactly(
                        p -> assertThat(p).startsWith("global_filters[1].operator must be one of equals, not_equals"),
                        p -> assertThat(p).startsWith("global_filters[2].criteria must be one of event_type"),
                        p -> assertThat(p).isEqualTo("global_filters[3] operator greater_than compares numbers, but file_path is text"),
                        p -> assertThat(p).startsWith("global_filters[4] must be an object"),
                        p -> assertThat(p).startsWith("global_filters[5].value must be a non-empty list")));
    }

    @Test
    void aSectionThatIsNotAListIsRejected() {
        assertThatThrownBy(() -> GlobalFilters.parse(Json.readTree("{\"criteria\":\"progress\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("global_filters must be a list of {criteria, operator, value} rules, was object");
    }

    @Test
    void globalRelevanceRulesSeeTheScoreWithoutAnyLanguageBonus() {
        GlobalFilters global = GlobalFilters.parse(Json.readTree(
                "[{\"criteria\":\"relevance_score\",\"operator\":\"greater_than\",\"value\":0.7}]"));
        assertThat(global.test(SampleEvents.facts("dep"))).isEqualTo(FilterDecision.GLOBAL_RULE);
        assertThat(global.test(SampleEvents.facts("update"))).isEqualTo(FilterDecision.PASS);
    }
}
