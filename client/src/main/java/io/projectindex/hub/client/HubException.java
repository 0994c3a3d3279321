package io.projectindex.hub.client;

/** Base of every failure the SDK reports; futures complete exceptionally with a subclass. */
public class HubException extends RuntimeException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
