package io.projectindex.hub.server.stream;

import java.util.UUID;

/** An event id was published again with different content; nothing of the request was stored. */
public final class ConflictException extends RuntimeException {
    private final UUID id;

    public ConflictException(UUID id) {
        super("event id " + id + " was already published with different content", null, false, false);
        this.id = id;
    }

    public UUID id() {
        return id;
    }
}
