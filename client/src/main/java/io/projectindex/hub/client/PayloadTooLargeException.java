package io.projectindex.hub.client;

import java.util.Map;

/** HTTP 413 on publish: the body or the number of events is over the hub's limit (see {@link #details()}). */
public final class PayloadTooLargeException extends HubErrorException {
    public PayloadTooLargeException(String error, String message, Map<String, Object> details) {
        super(error, message, details, 413, null);
    }
}
