package io.projectindex.hub.protocol.data;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code dependency_changed.dependency_details.relationship_type}. */
public enum RelationshipType {
    IMPORT,
    REQUIRE,
    INCLUDE,
    EXTENDS,
    IMPLEMENTS,
    CALLS,
    REFERENCES,
    UNKNOWN;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(RelationshipType::wire).toList();

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RelationshipType> fromWire(String value) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(value)).findFirst();
    }
}
