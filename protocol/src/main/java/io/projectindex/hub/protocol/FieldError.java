package io.projectindex.hub.protocol;

/**
 * One validation problem: the JSON path of the field (e.g. {@code data.progress_percentage}) and
 * a human sentence.
 */
public record FieldError(String field, String message) {
}
