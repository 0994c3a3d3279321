package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code notice.data}: a server-initiated announcement, e.g. {@code {"kind":"shutdown"}}, or
 * {@code {"kind":"token_expiring","expires_at":…}} shortly before the connection's token expires.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notice(String kind, String message, Long reconnectAfterMs, String expiresAt) {
    public static final String SHUTDOWN = "shutdown";
    public static final String TOKEN_EXPIRING = "token_expiring";

    public Notice(String kind, String message, Long reconnectAfterMs) {
        this(kind, message, reconnectAfterMs, null);
    }
}
