package io.projectindex.hub.client;

import java.time.Duration;
import java.util.Map;

/**
 * The hub asked to retry later: HTTP 429 ({@code RATE_LIMITED}) or 503 ({@code UNAVAILABLE}, e.g.
 * shutting down or history backend down); see the subclasses {@link RateLimitedException} and
 * {@link HubUnavailableException}. {@link #retryAfter()} comes from the {@code Retry-After}
 * header or {@code details.retry_after_ms}; nothing of the request was accepted.
 */
public class RetryLaterException extends HubErrorException {
    private final Duration retryAfter;

    public RetryLaterException(String error, String message, Map<String, Object> details, int httpStatus,
                               Duration retryAfter) {
        super(error, message, details, httpStatus, null);
        this.retryAfter = retryAfter;
    }

    /** How long the hub asked to wait; {@link Duration#ZERO} when it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
