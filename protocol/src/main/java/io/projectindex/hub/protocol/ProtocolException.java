package io.projectindex.hub.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client or publisher mistake with its error code. Carries the field it concerns (if any) and
 * extra details for the {@code error.data.details} object.
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;
    private final String action;
    private final String correlationId;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public ProtocolException(ErrorCode code, String message, Map<String, Object> details) {
        this(code, message, details, null, null);
    }

    private ProtocolException(ErrorCode code, String message, Map<String, Object> details, String action,
                              String correlationId) {
        super(message, null, false, false);
        this.code = code;
        this.details = Map.copyOf(details);
        this.action = action;
        this.correlationId = correlationId;
    }

    /** The same error, tied to the request it answers (its action and correlation id, either may be null). */
    public ProtocolException forRequest(String action, String correlationId) {
        return new ProtocolException(code, getMessage(), details, action, correlationId);
    }

    /** The action of the request this error answers, or null. */
    public String action() {
        return action;
    }

    /** The correlation id of the request this error answers, or null. */
    public String correlationId() {
        return correlationId;
    }

    public static ProtocolException invalidField(String field, String message) {
        return new ProtocolException(ErrorCode.INVALID_FIELD, field + " " + message, Map.of("field", field));
    }

    /** The first of several field errors becomes the error; all of them are listed in details. */
    public static ProtocolException invalidFields(List<FieldError> errors) {
        FieldError first = errors.get(0);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", first.field());
        if (errors.size() > 1) {
            details.put("errors", errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList());
        }
        return new ProtocolException(ErrorCode.INVALID_FIELD, first.field() + " " + first.message(), details);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** The field this error is about, or null. */
    public String field() {
        Object f = details.get("field");
        return f == null ? null : f.toString();
    }
}
