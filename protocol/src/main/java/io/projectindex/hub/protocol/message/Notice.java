package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code notice.data}: a server-initiated announcement, e.g. {@code {"kind":"shutdown"}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notice(String kind, String message, Long reconnectAfterMs) {
    public static final String SHUTDOWN = "shutdown";
    public static final String TOKEN_EXPIRING = "token_expiring";
}
