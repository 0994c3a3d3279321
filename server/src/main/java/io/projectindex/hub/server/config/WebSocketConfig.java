package io.projectindex.hub.server.config;

import java.time.Duration;
import java.util.List;

/** Limits and timers of WebSocket connections. */
public record WebSocketConfig(int maxConnections, int maxMessageBytes, int maxSubscriptions, Duration pingInterval,
                              int resumeMaxEvents, double inboundMessagesPerSecond, int inboundBurst,
                              int inboundAbuseRejections, Duration inboundAbuseWindow, boolean perMessageDeflate) {

    public static final Setting<Integer> MAX_CONNECTIONS = Setting.integer("WEBSOCKET_MAX_CONNECTIONS",
            "--max-connections", 1000, 1, 1_000_000, "maximum concurrent WebSocket connections on this node");
    public static final Setting<Integer> MAX_MESSAGE_BYTES = Setting.integer("WEBSOCKET_MAX_MESSAGE_BYTES",
            "--max-message-bytes", 64 * 1024, 1024, 16 * 1024 * 1024, "largest client message accepted, in bytes");
    public static final Setting<Integer> MAX_SUBSCRIPTIONS = Setting.integer("WEBSOCKET_MAX_SUBSCRIPTIONS",
            "--max-subscriptions", 100, 1, 100_000, "maximum subscriptions per connection");
    public static final Setting<Integer> PING_INTERVAL_MS = Setting.integer("WEBSOCKET_PING_INTERVAL_MS",
            "--ping-interval-ms", 25_000, 100, 3_600_000,
            "interval between server pings; two unanswered pings close the connection with 4000");
    public static final Setting<Integer> RESUME_MAX_EVENTS = Setting.integer("WEBSOCKET_RESUME_MAX_EVENTS",
            "--resume-max-events", 10_000, 1, 10_000_000,
            "most missed events a resuming subscribe replays; above it the ack says recovered:false, too_many");
    public static final Setting<Double> INBOUND_RATE = Setting.decimal("WEBSOCKET_INBOUND_RATE",
            "--inbound-rate", 50.0, 0, 1_000_000, "client messages per second per connection (0 = unlimited)");
    public static final Setting<Integer> INBOUND_BURST = Setting.integer("WEBSOCKET_INBOUND_BURST",
            "--inbound-burst", 100, 1, 1_000_000, "burst of client messages allowed above the inbound rate");
    public static final Setting<Integer> INBOUND_ABUSE_REJECTIONS = Setting.integer(
            "WEBSOCKET_INBOUND_ABUSE_REJECTIONS", "--inbound-abuse-rejections", 20, 1, 1_000_000,
            "RATE_LIMITED replies within WEBSOCKET_INBOUND_ABUSE_WINDOW_MS that close the connection with 4029");
    public static final Setting<Integer> INBOUND_ABUSE_WINDOW_MS = Setting.integer(
            "WEBSOCKET_INBOUND_ABUSE_WINDOW_MS", "--inbound-abuse-window-ms", 10_000, 100, 3_600_000,
            "window in which WEBSOCKET_INBOUND_ABUSE_REJECTIONS rate-limited messages count as abuse, in milliseconds");

    public static final Setting<Boolean> PERMESSAGE_DEFLATE = Setting.bool("WEBSOCKET_PERMESSAGE_DEFLATE",
            "--permessage-deflate", true, "accept permessage-deflate when a client offers it (frames under the"
                    + " compression threshold stay uncompressed)");

    public static final List<Setting<?>> SETTINGS = List.of(MAX_CONNECTIONS, MAX_MESSAGE_BYTES, MAX_SUBSCRIPTIONS,
            PING_INTERVAL_MS, RESUME_MAX_EVENTS, INBOUND_RATE, INBOUND_BURST, INBOUND_ABUSE_REJECTIONS,
            INBOUND_ABUSE_WINDOW_MS, PERMESSAGE_DEFLATE);

    static WebSocketConfig from(SettingValues v) {
        return new WebSocketConfig(v.get(MAX_CONNECTIONS), v.get(MAX_MESSAGE_BYTES), v.get(MAX_SUBSCRIPTIONS),
                Duration.ofMillis(v.get(PING_INTERVAL_MS)), v.get(RESUME_MAX_EVENTS), v.get(INBOUND_RATE),
                v.get(INBOUND_BURST), v.get(INBOUND_ABUSE_REJECTIONS), Duration.ofMillis(v.get(INBOUND_ABUSE_WINDOW_MS)),
                v.get(PERMESSAGE_DEFLATE));
    }
}
