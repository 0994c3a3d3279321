package io.projectindex.hub.protocol.data;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code dependency_changed.change_type}. */
public enum ChangeType {
    CREATED,
    MODIFIED,
    DELETED,
    MOVED,
    ADDED,
    REMOVED;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(ChangeType::wire).toList();

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ChangeType> fromWire(String value) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(value)).findFirst();
    }
}
