package io.projectindex.hub.protocol;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The four event types, with their default delivery priority and persistence level. */
public enum EventType {
    PROJECT_INDEX_UPDATED("project_index_updated", Priority.HIGH, PersistenceLevel.LONG_TERM),
    ANALYSIS_PROGRESS("analysis_progress", Priority.NORMAL, PersistenceLevel.SHORT_TERM),
    DEPENDENCY_CHANGED("dependency_changed", Priority.HIGH, PersistenceLevel.MEDIUM_TERM),
    CONTEXT_OPTIMIZED("context_optimized", Priority.NORMAL, PersistenceLevel.MEDIUM_TERM);

    public static final Set<EventType> ALL = EnumSet.allOf(EventType.class);
    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(EventType::wire).toList();

    private final String wire;
    private final Priority defaultPriority;
    private final PersistenceLevel defaultPersistence;

    EventType(String wire, Priority defaultPriority, PersistenceLevel defaultPersistence) {
        this.wire = wire;
        this.defaultPriority = defaultPriority;
        this.defaultPersistence = defaultPersistence;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return wire;
    }

    public Priority defaultPriority() {
        return defaultPriority;
    }

    public PersistenceLevel defaultPersistence() {
        return defaultPersistence;
    }

    public static Optional<EventType> fromWire(String value) {
        for (EventType t : values()) {
            if (t.wire.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
