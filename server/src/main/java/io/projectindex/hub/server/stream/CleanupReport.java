package io.projectindex.hub.server.stream;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What a durable cleanup pass deleted: the number of rows and, per project, the highest offset
 * and newest timestamp it removed (so a tier in front can keep its {@code removed_through} /
 * {@code removed_until} markers in step with the durable ones).
 */
public record CleanupReport(long deleted, Map<UUID, Removal> removals) {
    public static final CleanupReport NONE = new CleanupReport(0, Map.of());

    public CleanupReport {
        removals = Map.copyOf(removals);
    }

    /** The newest removal of one project's stream. */
    public record Removal(long removedThrough, Instant removedUntil) {
        public Removal merge(Removal other) {
            Instant until = removedUntil == null ? other.removedUntil
                    : other.removedUntil == null || removedUntil.isAfter(other.removedUntil) ? removedUntil
                    : other.removedUntil;
            return new Removal(Math.max(removedThrough, other.removedThrough), until);
        }
    }
}
