package io.projectindex.hub.server.stream;

import java.time.Duration;

/** The history backend cannot be reached; the caller should retry after {@link #retryAfter()}. */
public final class HistoryUnavailableException extends RuntimeException {
    private final Duration retryAfter;

    public HistoryUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
