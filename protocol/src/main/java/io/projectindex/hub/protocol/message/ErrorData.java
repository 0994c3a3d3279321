package io.projectindex.hub.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;

/** {@code error.data}: {@code {error, message, details?, action?}}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorData(String error, String message, Map<String, Object> details, String action) {
}
