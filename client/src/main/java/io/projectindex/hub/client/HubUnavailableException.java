package io.projectindex.hub.client;

import java.time.Duration;
import java.util.Map;

/** HTTP 503 on publish: the hub is shutting down or a backend it needs is down; retry after {@link #retryAfter()}. */
public final class HubUnavailableException extends RetryLaterException {
    public HubUnavailableException(String error, String message, Map<String, Object> details, Duration retryAfter) {
        super(error, message, details, 503, retryAfter);
    }
}
