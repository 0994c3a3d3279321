package io.projectindex.hub.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Process-level settings: where to listen, local state, identity of this node, threads, logging.
 *
 * @param eventLoops event-loop threads serving connections (0 = one per CPU core)
 */
public record ServerConfig(String host, int port, Path dataDir, String nodeId, int eventLoops,
                           Duration shutdownGrace, boolean insecure, String logLevel) {

    public static final Setting<String> HOST = Setting.text("HUB_HOST", "--host", "127.0.0.1",
            "address to bind; anything but loopback needs auth or --insecure");
    public static final Setting<Integer> PORT = Setting.integer("HUB_PORT", "--port", 8000, 0, 65535,
            "TCP port (0 picks a free one)");
    public static final Setting<String> DATA_DIR = Setting.text("HUB_DATA_DIR", "--data-dir", "./data",
            "directory for the SQLite history file and other local state");
    public static final Setting<String> NODE_ID = Setting.text("HUB_NODE_ID", "--node-id", null,
            "name of this node in welcome frames and logs (default: host name + random suffix)");
    public static final Setting<Integer> EVENT_LOOPS = Setting.integer("HUB_EVENT_LOOPS", "--event-loops", 0, 0, 256,
            "event-loop threads serving connections (0 = one per CPU core)");
    public static final Setting<Integer> SHUTDOWN_GRACE_MS = Setting.integer("HUB_SHUTDOWN_GRACE_MS",
            "--shutdown-grace-ms", 10_000, 0, 600_000, "how long a graceful shutdown waits for in-flight work");
    public static final Setting<Boolean> INSECURE = Setting.bool("HUB_INSECURE", "--insecure", false,
            "allow binding a non-loopback address without authentication");
    public static final Setting<String> LOG_LEVEL = Setting.choice("WEBSOCKET_LOG_LEVEL", "--log-level", "info",
            List.of("trace", "debug", "info", "warn", "error"), "log level of the hub's loggers");

    public static final List<Setting<?>> SETTINGS =
            List.of(HOST, PORT, DATA_DIR, NODE_ID, EVENT_LOOPS, SHUTDOWN_GRACE_MS, INSECURE, LOG_LEVEL);

    static ServerConfig from(SettingValues v) {
        String nodeId = v.optional(NODE_ID).filter(s -> !s.isBlank()).orElseGet(ServerConfig::defaultNodeId);
        return new ServerConfig(v.get(HOST), v.get(PORT), Path.of(v.get(DATA_DIR)), nodeId, v.get(EVENT_LOOPS),
                Duration.ofMillis(v.get(SHUTDOWN_GRACE_MS)), v.get(INSECURE), v.get(LOG_LEVEL));
    }

    /** The number of event loops to run: the setting, or the number of cores. */
    public int effectiveEventLoops() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "hub";
        }
        String suffix = Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
        return host + "-" + suffix;
    }
}
