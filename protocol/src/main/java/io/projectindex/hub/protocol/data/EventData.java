package io.projectindex.hub.protocol.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.FieldError;
import io.projectindex.hub.protocol.JsonFields;

import java.util.List;
import java.util.UUID;

/**
 * The typed view of an event's {@code data} object, one record per event type. The hub keeps the
 * original JSON and forwards it untouched (unknown extra fields included); these records are for
 * validation and for code that reads fields (filters, scoring, the SDK).
 *
 * <p>Validation follows PROTOCOL §2: required fields, UUID ids, enums and numeric ranges are
 * checked; other optional fields pass through, and when one has an unexpected type its typed
 * accessor reads as absent.
 */
public sealed interface EventData
        permits ProjectIndexUpdatedData, AnalysisProgressData, DependencyChangedData, ContextOptimizedData {

    UUID projectId();

    EventType type();

    /**
     * Reads and validates {@code data} of an event of {@code type}. Problems are added to
     * {@code errors} with paths under {@code path} (e.g. {@code data} or {@code events[3].data});
     * the result is null when {@code data} is not an object.
     */
    static EventData read(EventType type, JsonNode data, String path, List<FieldError> errors) {
        if (data == null || !data.isObject()) {
            errors.add(new FieldError(path, data == null || data.isNull() ? "is required" : "must be an object"));
            return null;
        }
        JsonFields f = JsonFields.checked(data, path, errors);
        return switch (type) {
            case PROJECT_INDEX_UPDATED -> ProjectIndexUpdatedData.read(f);
            case ANALYSIS_PROGRESS -> AnalysisProgressData.read(f);
            case DEPENDENCY_CHANGED -> DependencyChangedData.read(f);
            case CONTEXT_OPTIMIZED -> ContextOptimizedData.read(f);
        };
    }

    /** The typed view of data already validated (or received from a hub); never fails. */
    static EventData view(EventType type, JsonNode data) {
        JsonFields f = JsonFields.lenient(data);
        return switch (type) {
            case PROJECT_INDEX_UPDATED -> ProjectIndexUpdatedData.read(f);
            case ANALYSIS_PROGRESS -> AnalysisProgressData.read(f);
            case DEPENDENCY_CHANGED -> DependencyChangedData.read(f);
            case CONTEXT_OPTIMIZED -> ContextOptimizedData.read(f);
        };
    }
}
