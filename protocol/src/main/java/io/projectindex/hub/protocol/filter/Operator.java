package io.projectindex.hub.protocol.filter;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How a custom filter rule compares (PROTOCOL §7). */
public enum Operator {
    EQUALS, NOT_EQUALS, CONTAINS, NOT_CONTAINS, IN, NOT_IN,
    GREATER_THAN, LESS_THAN, GREATER_EQUAL, LESS_EQUAL,
    /** Glob match ({@code *}, {@code **}, {@code ?}, character classes). */
    MATCHES;

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(Operator::wire).toList();

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean ordering() {
        return this == GREATER_THAN || this == LESS_THAN || this == GREATER_EQUAL || this == LESS_EQUAL;
    }

    public boolean membership() {
        return this == IN || this == NOT_IN;
    }

    public static Optional<Operator> fromWire(String value) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(value)).findFirst();
    }
}
