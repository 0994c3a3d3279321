package io.projectindex.hub.server.config;

import java.time.Duration;
import java.util.List;

/** Sampling, health checks and anomaly detection. */
public record MonitoringConfig(Duration interval, Duration healthCheckInterval, Duration anomalyWindow,
                               java.util.Optional<String> alertWebhookUrl) {
    public static final Setting<Integer> INTERVAL = Setting.integer("MONITORING_INTERVAL_SECONDS",
            "--monitoring-interval-seconds", 30, 1, 86_400, "seconds between metric-history samples");
    public static final Setting<Integer> HEALTH_CHECK_INTERVAL = Setting.integer("HEALTH_CHECK_INTERVAL_SECONDS",
            "--health-check-interval-seconds", 60, 1, 86_400, "seconds between background health checks");
    public static final Setting<Integer> ANOMALY_WINDOW = Setting.integer("ANOMALY_DETECTION_WINDOW_MINUTES",
            "--anomaly-window-minutes", 60, 1, 10_080, "default window of the anomaly detector, in minutes");

    public static final Setting<String> ALERT_WEBHOOK_URL = Setting.text("MONITORING_ALERT_WEBHOOK_URL",
            "--alert-webhook-url", null, "URL that receives a JSON POST when an alert fires or resolves");

    public static final List<Setting<?>> SETTINGS = List.of(INTERVAL, HEALTH_CHECK_INTERVAL, ANOMALY_WINDOW,
            ALERT_WEBHOOK_URL);

    static MonitoringConfig from(SettingValues v) {
        v.optional(ALERT_WEBHOOK_URL).filter(u -> !u.isBlank()).ifPresent(MonitoringConfig::checkUrl);
        return new MonitoringConfig(Duration.ofSeconds(v.get(INTERVAL)), Duration.ofSeconds(v.get(HEALTH_CHECK_INTERVAL)),
                Duration.ofMinutes(v.get(ANOMALY_WINDOW)), v.optional(ALERT_WEBHOOK_URL).filter(u -> !u.isBlank()));
    }

    private static void checkUrl(String url) {
        try {
            java.net.URI u = java.net.URI.create(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("MONITORING_ALERT_WEBHOOK_URL must be an http(s) URL, was '" + url + "'");
        }
    }
}
