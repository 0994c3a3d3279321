package io.projectindex.hub.server.monitor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one health check found: healthy or not, and details for operators ({@code success_rate},
 * {@code backend}, {@code error}…). Detail values must be JSON-friendly (strings, numbers,
 * booleans, null, lists and maps of those).
 */
public record CheckResult(boolean healthy, Map<String, Object> details) {
    public CheckResult {
        Objects.requireNonNull(details, "details");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static CheckResult healthy(Map<String, Object> details) {
        return new CheckResult(true, details);
    }

    public static CheckResult unhealthy(Map<String, Object> details) {
        return new CheckResult(false, details);
    }

    /** An unhealthy result that says why, plus details. */
    public static CheckResult failed(String error, Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("error", error);
        return new CheckResult(false, d);
    }
}
