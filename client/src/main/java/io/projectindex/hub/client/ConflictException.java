package io.projectindex.hub.client;

import java.util.Map;

/** HTTP 409 on publish: an event {@code id} was reused with different content ({@code details.id}). */
public final class ConflictException extends HubErrorException {
    public ConflictException(String error, String message, Map<String, Object> details) {
        super(error, message, details, 409, null);
    }

    /** The conflicting event id, or null. */
    public String id() {
        Object id = details().get("id");
        return id == null ? null : id.toString();
    }
}
