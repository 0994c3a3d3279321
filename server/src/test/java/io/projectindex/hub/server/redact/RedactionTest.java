package io.projectindex.hub.server.redact;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.data.EventData;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.config.ConfigException;
import io.projectindex.hub.server.config.ConfigLoader;
import io.projectindex.hub.server.delivery.EventView;
import io.projectindex.hub.server.stream.NewEvent;
import io.projectindex.hub.server.stream.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code redact} section: path syntax, what each path removes, who sees redacted events, encode-once. */
class RedactionTest {
    private static final String P = "0b8f5a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String S = "7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09";

    private static final String PROGRESS = """
            {"project_id":"%s","session_id":"%s","progress_percentage":40,"errors_encountered":2,
             "last_error":"secret stack trace","performance_metrics":{"memory_usage_mb":150,"api_key":"k1"},
             "files":[{"path":"a.py","content":"x=1","api_key":"k2"},{"path":"b.py","content":"y=2"}]}"""
            .formatted(P, S);
    private static final String DEPENDENCY = """
            {"project_id":"%s","file_path":"src/a.py","change_type":"modified",
             "file_metadata":{"language":"python","file_size":2048},"last_error":"boom"}""".formatted(P);

    private static Redaction redaction(String... paths) {
        return Redaction.parse(Json.toTree(List.of(paths)), true);
    }

    private static StoredEvent event(EventType type, String data) {
        JsonNode d = Json.readTree(data);
        UUID id = UUID.randomUUID();
        return new StoredEvent(new NewEvent(type, id, UUID.fromString(P), d, EventData.view(type, d), Json.writeBytes(d),
                id.toString(), type.defaultPersistence(), type.defaultPriority(), "h"), Instant.EPOCH, "e1", 7);
    }

    private static JsonNode redactedData(Redaction r, EventType type, String data) {
        return Json.readTree(new String(r.apply(event(type, data)).frame(false))).path("data");
    }

    @Test
    void eachPathRemovesExactlyTheFieldsItNames() {
        /* removed: JSON pointers of the fields the path must remove, nothing else */
        record Case(String path, EventType type, String data, List<String> removed) {
        }
        List<Case> cases = List.of(
                new Case("analysis_progress.last_error", EventType.ANALYSIS_PROGRESS, PROGRESS, List.of("/last_error")),
                new Case("dependency_changed.last_error", EventType.ANALYSIS_PROGRESS, PROGRESS, List.of()),
                new Case("*.last_error", EventType.DEPENDENCY_CHANGED, DEPENDENCY, List.of("/last_error")),
                new Case("dependency_changed.file_metadata.file_size", EventType.DEPENDENCY_CHANGED, DEPENDENCY,
                        List.of("/file_metadata/file_size")),
                new Case("dependency_changed.file_metadata", EventType.DEPENDENCY_CHANGED, DEPENDENCY,
                        List.of("/file_metadata")),
                new Case("analysis_progress.files.content", EventType.ANALYSIS_PROGRESS, PROGRESS,
                        List.of("/files/0/content", "/files/1/content")),
                new Case("*.**.api_key", EventType.ANALYSIS_PROGRESS, PROGRESS,
                        List.of("/performance_metrics/api_key", "/files/0/api_key")),
                new Case("analysis_progress.*.memory_usage_mb", EventType.ANALYSIS_PROGRESS, PROGRESS,
                        List.of("/performance_metrics/memory_usage_mb")),
                new Case("*.**.project_id", EventType.DEPENDENCY_CHANGED, DEPENDENCY, List.of()),
                new Case("*.no_such_field", EventType.DEPENDENCY_CHANGED, DEPENDENCY, List.of()));
        for (Case c : cases) {
            JsonNode expected = Json.readTree(c.data());
            for (String pointer : c.removed()) {
                JsonPointer ptr = JsonPointer.compile(pointer);
                ((ObjectNode) expected.at(ptr.head())).remove(ptr.last().getMatchingProperty());
            }
            assertThat(redactedData(redaction(c.path()), c.type(), c.data())).as(c.path()).isEqualTo(expected);
        }
    }

    @Test
    void anEventWithNothingToRemoveIsItsOwnRedactedFormAndTheRedactedFormIsComputedOnce() {
        Redaction r = redaction("analysis_progress.last_error");
        EventView view = r.view(new Principal("bob", true, Set.of(), Set.of(Principal.SCOPE_READ), null));
        StoredEvent dependency = event(EventType.DEPENDENCY_CHANGED, DEPENDENCY);
        assertThat(view.of(dependency)).isSameAs(dependency);

        StoredEvent progress = event(EventType.ANALYSIS_PROGRESS, PROGRESS);
        StoredEvent seen = view.of(progress);
        assertThat(seen).isNotSameAs(progress);
        assertThat(view.of(progress)).isSameAs(seen);
        assertThat(seen.frame(false)).isSameAs(view.of(progress).frame(false));
        assertThat(seen.position()).isEqualTo(progress.position());
        assertThat(new String(seen.frame(true))).contains("\"replay\":true").doesNotContain("last_error");
        assertThat(new String(progress.frame(false))).as("the stored event keeps its data").contains("secret stack trace");
    }

    @Test
    void adminsSeeFullEventsWithAuthenticationOnAndNobodyDoesWithItOff() {
        Principal admin = new Principal("root", true, Set.of(), Set.of(Principal.SCOPE_ADMIN), null);
        Principal reader = new Principal("bob", true, Set.of(), Set.of(Principal.SCOPE_READ), null);
        JsonNode section = Json.toTree(List.of("*.last_error"));
        Redaction on = Redaction.parse(section, true);
        assertThat(on.view(admin)).isSameAs(EventView.FULL);
        assertThat(on.redacts(reader)).isTrue();
        Redaction off = Redaction.parse(section, false);
        assertThat(off.redacts(Principal.ANONYMOUS)).isTrue();
        assertThat(Redaction.NONE.view(reader)).isSameAs(EventView.FULL);
    }

    @Test
    void badEntriesStopTheStartWithAMessageNamingEachOne() {
        record Bad(Object entry, String message) {
        }
        List<Bad> bad = List.of(
                new Bad("", "was empty"),
                new Bad("last_error", "must start with an event type or *"),
                new Bad("analysis.last_error", "starts with 'analysis', which is not * or an event type"),
                new Bad("analysis_progress..last_error", "has an empty step"),
                new Bad("analysis_progress.last error", "step 'last error' must be *, ** or a field name"),
                new Bad("analysis_progress.metrics.*", "must end with a field name"),
                new Bad("*.**.**.x", "has ** twice in a row"),
                new Bad("*.project_id", "names project_index_updated.project_id"),
                new Bad("analysis_progress.session_id", "names analysis_progress.session_id"),
                new Bad(42, "must be a path string"));
        for (int i = 0; i < bad.size(); i++) {
            Bad b = bad.get(i);
            assertThatThrownBy(() -> Redaction.parse(Json.toTree(List.of(b.entry())), true))
                    .as("entry %s", b.entry()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("redact[0]").hasMessageContaining(b.message());
        }
        assertThatThrownBy(() -> Redaction.parse(Json.toTree(Map.of("a", "b")), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redact must be a list");
        assertThatThrownBy(() -> Redaction.parse(Json.toTree(List.of("*.ok", "nope", "*.fine", "x.y")), true))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redact[1]").hasMessageContaining("redact[3]")
                .hasMessageNotContaining("redact[0]");
    }

    @Test
    void theSectionIsReadFromTheConfigFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, """
                redact:
                  - analysis_progress.last_error
                  - "*.**.api_key"
                """);
        Redaction r = Redaction.from(ConfigLoader.load(Map.of("HUB_CONFIG", file.toString()), Map.of()));
        assertThat(r.paths()).containsExactly("analysis_progress.last_error", "*.**.api_key");
    }
}
