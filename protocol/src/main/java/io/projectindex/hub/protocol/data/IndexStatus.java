package io.projectindex.hub.protocol.data;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code project_index_updated.status}. */
public enum IndexStatus {
    COMPLETED,
    FAILED,
    PARTIAL,
    IN_PROGRESS;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(IndexStatus::wire).toList();

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<IndexStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(value)).findFirst();
    }
}
