package io.projectindex.hub.client;

/** A request got no reply within {@link ClientOptions#requestTimeout()}. */
public class HubTimeoutException extends HubException {
    public HubTimeoutException(String message) {
        super(message);
    }
}
