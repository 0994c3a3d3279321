package io.projectindex.hub.server.auth;

/** A missing, expired or invalid token. The message is for logs only, never sent to the client. */
public final class AuthenticationException extends RuntimeException {
    public AuthenticationException(String reasonForLog) {
        super(reasonForLog, null, false, false);
    }
}
