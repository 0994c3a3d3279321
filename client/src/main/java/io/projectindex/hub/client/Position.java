package io.projectindex.hub.client;

import java.util.Objects;

/**
 * A place in one project's stream: the stream's {@code epoch} and an {@code offset} in it
 * (PROTOCOL §2). Holding the position of the last event seen is enough to resume without gaps or
 * duplicates as long as the epoch is unchanged and the history still reaches back that far.
 */
public record Position(String epoch, long offset) {
    public Position {
        Objects.requireNonNull(epoch, "epoch");
        if (epoch.isEmpty()) {
            throw new IllegalArgumentException("epoch must not be empty");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /** True if {@code other} is in the same epoch and strictly after this position. */
    public boolean isBefore(Position other) {
        return epoch.equals(other.epoch) && offset < other.offset;
    }

    @Override
    public String toString() {
        return epoch + ":" + offset;
    }
}
