package io.projectindex.hub.client;

import io.projectindex.hub.protocol.ErrorCode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The hub refused a request: an {@code error} reply on the WebSocket (PROTOCOL §10) or an HTTP
 * error body {@code {error, message, details?}} (§11). Carries the server's error code, message
 * and details unchanged; {@link #httpStatus()} is 0 for WebSocket replies.
 */
public class HubErrorException extends HubException {
    private final String error;
    private final Map<String, Object> details;
    private final int httpStatus;
    private final String action;

    public HubErrorException(String error, String message, Map<String, Object> details, int httpStatus, String action) {
        super(describe(error, message, httpStatus));
        this.error = error == null ? "UNKNOWN" : error;
        this.details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.httpStatus = httpStatus;
        this.action = action;
    }

    private static String describe(String error, String message, int httpStatus) {
        return (httpStatus > 0 ? "HTTP " + httpStatus + " " : "") + error + ": " + message;
    }

    /** The error code as the hub sent it, e.g. {@code INVALID_FIELD}. */
    public String error() {
        return error;
    }

    /** The error code as an enum, if this SDK knows it. */
    public Optional<ErrorCode> code() {
        return ErrorCode.fromWire(error);
    }

    /** {@code details} of the error (empty when there were none); values are JSON-like (maps, lists, strings, numbers). */
    public Map<String, Object> details() {
        return details;
    }

    /** {@code details.field} when the error names a field, else null. */
    public String field() {
        Object f = details.get("field");
        return f == null ? null : f.toString();
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The action of the refused WebSocket request, or null. */
    public String action() {
        return action;
    }
}
