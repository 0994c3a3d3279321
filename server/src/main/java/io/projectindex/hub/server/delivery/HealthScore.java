package io.projectindex.hub.server.delivery;

/**
 * Connection health 0..1: starts at 1, multiplied by the delivery success rate, by
 * {@code 1 − 0.5·min(latency_ms / 1000, 1)} for the average write latency, and by
 * {@code 1 − min(violations / 10, 0.5)} for rate-limit violations; a connection older than an
 * hour gains up to 0.1 ({@code age_h / 24}). Clamped to [0, 1]. Pure.
 */
public final class HealthScore {
    private HealthScore() {
    }

    public static double of(long delivered, long failed, double averageLatencyMillis, long violations, double ageHours) {
        double score = 1.0;
        long attempts = delivered + failed;
        if (attempts > 0) {
            score *= (double) delivered / attempts;
        }
        if (averageLatencyMillis > 0) {
            score *= 1 - 0.5 * Math.min(averageLatencyMillis / 1000.0, 1.0);
        }
        if (violations > 0) {
            score *= 1 - Math.min(violations / 10.0, 0.5);
        }
        if (ageHours > 1) {
            score += Math.min(ageHours / 24.0, 0.1);
        }
        return Math.max(0, Math.min(1, score));
    }
}
