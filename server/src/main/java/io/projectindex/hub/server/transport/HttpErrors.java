package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.Json;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.server.stream.ConflictException;
import io.projectindex.hub.server.stream.HistoryUnavailableException;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place REST errors are made: every failure becomes {@code {error, message, details?}}
 * with its status (400 validation, 401, 403, 404, 409, 413, 429 and 503 with Retry-After, 500).
 */
final class HttpErrors {
    private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    static void send(HttpServerResponse response, int status, ErrorCode code, String message, Map<String, Object> details) {
        if (response.ended() || response.closed()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code.wire());
        body.put("message", message);
        if (details != null && !details.isEmpty()) {
            body.put("details", details);
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    static void unavailable(HttpServerResponse response, String message, long retryAfterSeconds) {
        if (!response.ended() && !response.closed()) {
            response.putHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
        }
        send(response, 503, ErrorCode.UNAVAILABLE, message, Map.of("retry_after_ms", Math.max(1, retryAfterSeconds) * 1000));
    }

    /** 429 with {@code Retry-After} (whole seconds, rounded up) and {@code details.retry_after_ms}. */
    static void rateLimited(HttpServerResponse response, String message, long retryAfterMillis) {
        if (!response.ended() && !response.closed()) {
            response.putHeader("Retry-After", Long.toString(Math.max(1, (retryAfterMillis + 999) / 1000)));
        }
        send(response, 429, ErrorCode.RATE_LIMITED, message, Map.of("retry_after_ms", retryAfterMillis));
    }

    /** Maps any failure to its response. */
    static void fail(HttpServerResponse response, Throwable t) {
        if (t instanceof ProtocolException p) {
            send(response, status(p.code()), p.code(), p.getMessage(), p.details());
        } else if (t instanceof ConflictException c) {
            send(response, 409, ErrorCode.CONFLICT, c.getMessage(), Map.of("id", c.id().toString()));
        } else if (t instanceof HistoryUnavailableException h) {
            log.warn("history unavailable: {}", h.getMessage());
            unavailable(response, h.getMessage(), (h.retryAfter().toMillis() + 999) / 1000);
        } else {
            log.error("unexpected error answering HTTP request", t);
            send(response, 500, ErrorCode.INTERNAL_ERROR, "internal error (logged)", null);
        }
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case MESSAGE_TOO_LARGE, LIMIT_EXCEEDED -> 413;
            case RATE_LIMITED -> 429;
            case REPLAY_UNAVAILABLE, UNAVAILABLE -> 503;
            case INTERNAL_ERROR -> 500;
            default -> 400;
        };
    }
}
