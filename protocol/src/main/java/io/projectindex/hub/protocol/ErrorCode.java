package io.projectindex.hub.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * Error codes carried in {@code error.data.error} frames and in HTTP error bodies. Values are
 * stable wire strings; the sentence says when each is used.
 */
public enum ErrorCode {
    INVALID_MESSAGE("the frame is not JSON, not an object, or has no action"),
    UNKNOWN_ACTION("the action is not one of the protocol's actions"),
    INVALID_FIELD("a field is missing or has the wrong type or value; details.field names it"),
    FORBIDDEN("the token does not allow that project or action"),
    UNAUTHORIZED("authentication is required or the token is invalid"),
    RATE_LIMITED("too many messages; the message was not processed; retry after details.retry_after_ms"),
    MESSAGE_TOO_LARGE("the message is larger than max_message_bytes"),
    LIMIT_EXCEEDED("a per-connection or per-request limit was reached"),
    REPLAY_UNAVAILABLE("the history backend is unreachable; retry after details.retry_after_ms"),
    CONFLICT("an event id was reused with different content"),
    INVALID_EVENT("a published event failed validation; details.errors lists every problem"),
    NOT_FOUND("no such resource"),
    UNAVAILABLE("a required backend is unavailable; retry later"),
    INTERNAL_ERROR("an unexpected server error; it was logged with the connection id");

    private final String description;

    ErrorCode(String description) {
        this.description = description;
    }

    /** The stable wire value, e.g. {@code INVALID_FIELD}. */
    public String wire() {
        return name();
    }

    public String description() {
        return description;
    }

    public static Optional<ErrorCode> fromWire(String value) {
        return Arrays.stream(values()).filter(c -> c.name().equals(value)).findFirst();
    }
}
