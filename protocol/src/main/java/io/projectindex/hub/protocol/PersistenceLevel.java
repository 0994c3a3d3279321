package io.projectindex.hub.protocol;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** How long an event is kept in history (PROTOCOL §9). {@link #PERMANENT} never expires. */
public enum PersistenceLevel {
    MEMORY_ONLY(Duration.ofHours(1)),
    SHORT_TERM(Duration.ofHours(24)),
    MEDIUM_TERM(Duration.ofDays(7)),
    LONG_TERM(Duration.ofDays(30)),
    PERMANENT(null);

    private final Duration ttl;

    PersistenceLevel(Duration ttl) {
        this.ttl = ttl;
    }

    /** Time to live, or empty for {@link #PERMANENT}. */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /** True when the event goes to the durable tier (everything except memory_only). */
    public boolean durable() {
        return this != MEMORY_ONLY;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<PersistenceLevel> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wire().equals(value)).findFirst();
    }
}
