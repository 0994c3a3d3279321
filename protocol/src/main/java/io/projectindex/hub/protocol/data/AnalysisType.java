package io.projectindex.hub.protocol.data;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code analysis_progress.analysis_type}. */
public enum AnalysisType {
    FULL,
    INCREMENTAL,
    CONTEXT_OPTIMIZATION,
    DEPENDENCY_MAPPING,
    FILE_SCANNING;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(AnalysisType::wire).toList();

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AnalysisType> fromWire(String value) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(value)).findFirst();
    }
}
