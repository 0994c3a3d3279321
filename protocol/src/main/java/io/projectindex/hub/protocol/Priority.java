package io.projectindex.hub.protocol;

import java.util.Arrays;
import java.util.Optional;

/** Delivery priority of an event in a connection's outbound queue. Higher goes first. */
public enum Priority {
    LOW(1), NORMAL(2), HIGH(3), CRITICAL(4);

    private final int level;

    Priority(int level) {
        this.level = level;
    }

    public int level() {
        return level;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Priority> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wire().equals(value)).findFirst();
    }
}
