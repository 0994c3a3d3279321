package io.projectindex.hub.server.monitor;

import java.util.Locale;

/**
 * Overall health: {@code healthy} when every check passes (an idle hub with no traffic is
 * healthy), {@code degraded} when only advisory checks fail, {@code unhealthy} when a required
 * check fails. The REST layer answers 503 for {@code unhealthy} only.
 */
public enum HealthStatus {
    HEALTHY(1.0), DEGRADED(0.5), UNHEALTHY(0.0);

    private final double score;

    HealthStatus(double score) {
        this.score = score;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of the {@code health_score} gauge: 1, 0.5 or 0. */
    public double score() {
        return score;
    }
}
