package io.projectindex.hub.server.transport;

import java.util.Map;

/**
 * A client held by an event loop's {@link io.projectindex.hub.server.hub.Shard} — a WebSocket
 * {@link Connection} or a Server-Sent Events {@link SseStream} — as the loop's keep-alive timer,
 * graceful shutdown and the monitoring API see it. Every method is called on that loop.
 */
interface LoopMember {

    /** The loop's keep-alive tick, every WEBSOCKET_PING_INTERVAL_MS. */
    void pingTick();

    /** Graceful shutdown: tell the client, write what is queued, end. */
    void shutdown();

    /** This client for {@code GET /websocket/connections}. */
    Map<String, Object> describe();

    /** Its outbound queue for {@code GET /websocket/queue/status}. */
    Map<String, Object> queueStatus();

    /** True for an SSE stream, false for a WebSocket connection. */
    boolean isStream();
}
