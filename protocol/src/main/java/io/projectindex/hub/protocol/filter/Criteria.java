package io.projectindex.hub.protocol.filter;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a custom filter rule looks at (PROTOCOL §7). */
public enum Criteria {
    /** The event type name, e.g. {@code analysis_progress}. */
    EVENT_TYPE,
    /** {@code data.project_id}. */
    PROJECT_ID,
    /** The event's languages: {@code file_metadata.language} or {@code statistics.languages_detected}. */
    FILE_LANGUAGE,
    /** {@code dependency_details.relationship_type} of a dependency event. */
    DEPENDENCY_TYPE,
    /** {@code processing_rate} of progress, {@code analysis_duration_seconds} of an update. */
    PERFORMANCE_IMPACT,
    /** {@code file_path} of a dependency event or {@code current_file} of progress. */
    FILE_PATH,
    /** {@code progress_percentage} of progress. */
    PROGRESS,
    /** The event's relevance score 0..1. */
    RELEVANCE_SCORE;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(Criteria::wire).toList();

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for criteria whose value is a number. */
    public boolean numeric() {
        return this == PERFORMANCE_IMPACT || this == PROGRESS || this == RELEVANCE_SCORE;
    }

    public static Optional<Criteria> fromWire(String value) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(value)).findFirst();
    }
}
