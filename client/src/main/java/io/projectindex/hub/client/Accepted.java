package io.projectindex.hub.client;

import java.util.UUID;

/**
 * One published event as the hub accepted it: its id, project and position. {@code duplicate}
 * is true when the same id and content had been published before (nothing was delivered again;
 * the position is the first publish's).
 */
public record Accepted(UUID id, UUID projectId, long offset, String epoch, String timestamp, boolean duplicate) {
    public Position position() {
        return new Position(epoch, offset);
    }
}
