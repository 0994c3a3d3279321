package io.projectindex.hub.client;

import java.time.Duration;
import java.util.Map;

/** HTTP 429 on publish: too many requests; retry after {@link #retryAfter()}. */
public final class RateLimitedException extends RetryLaterException {
    public RateLimitedException(String error, String message, Map<String, Object> details, Duration retryAfter) {
        super(error, message, details, 429, retryAfter);
    }
}
