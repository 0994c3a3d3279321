package io.projectindex.hub.server.config;

import java.time.Duration;
import java.util.List;

/** Sampling, health checks and anomaly detection. */
public record MonitoringConfig(Duration interval, Duration healthCheckInterval, Duration anomalyWindow) {
    public static final Setting<Integer> INTERVAL = Setting.integer("MONITORING_INTERVAL_SECONDS",
            "--monitoring-interval-seconds", 30, 1, 86_400, "seconds between metric-history samples");
    public static final Setting<Integer> HEALTH_CHECK_INTERVAL = Setting.integer("HEALTH_CHECK_INTERVAL_SECONDS",
            "--health-check-interval-seconds", 60, 1, 86_400, "seconds between background health checks");
    public static final Setting<Integer> ANOMALY_WINDOW = Setting.integer("ANOMALY_DETECTION_WINDOW_MINUTES",
            "--anomaly-window-minutes", 60, 1, 10_080, "default window of the anomaly detector, in minutes");

    public static final List<Setting<?>> SETTINGS = List.of(INTERVAL, HEALTH_CHECK_INTERVAL, ANOMALY_WINDOW);

    static MonitoringConfig from(SettingValues v) {
        return new MonitoringConfig(Duration.ofSeconds(v.get(INTERVAL)), Duration.ofSeconds(v.get(HEALTH_CHECK_INTERVAL)),
                Duration.ofMinutes(v.get(ANOMALY_WINDOW)));
    }
}
