package io.projectindex.hub.server.monitor;

import io.projectindex.hub.protocol.Timestamps;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A sample whose z-score within its window exceeds {@link AnomalyDetector#MEDIUM_Z}. */
public record Anomaly(Instant timestamp, double value, double zScore, Severity severity) {

    /** {@code medium} when 2 < |z| ≤ 3, {@code high} when |z| > 3. */
    public enum Severity {
        MEDIUM, HIGH;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code {timestamp, value, z_score, severity}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("timestamp", Timestamps.format(timestamp));
        json.put("value", value);
        json.put("z_score", zScore);
        json.put("severity", severity.wire());
        return json;
    }
}
