package io.projectindex.hub.protocol.filter;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Relevance threshold presets: low ≥ 0.6, normal ≥ 0.3 (default), high ≥ 0.1. */
public enum NotificationFrequency {
    LOW(0.6), NORMAL(0.3), HIGH(0.1);

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(NotificationFrequency::wire).toList();

    private final double minRelevance;

    NotificationFrequency(double minRelevance) {
        this.minRelevance = minRelevance;
    }

    public double minRelevance() {
        return minRelevance;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<NotificationFrequency> fromWire(String value) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(value)).findFirst();
    }
}
