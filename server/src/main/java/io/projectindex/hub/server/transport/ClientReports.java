package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.Timestamps;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.delivery.DeliveryStats;
import io.projectindex.hub.server.delivery.OutboundQueue;
import io.projectindex.hub.server.filter.FilterCounts;
import io.projectindex.hub.server.hub.Subscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON views of one client (WebSocket connection or SSE stream) that the monitoring API,
 * {@code get_stats} and the presence record show. Pure functions of the client's state; called
 * on the client's event loop.
 */
final class ClientReports {
    private ClientReports() {
    }

    /** Who a client is: id, transport, user, client id, address, when it connected. */
    record Identity(String id, String transport, Principal principal, String clientId, Object remoteAddress,
                    Instant connectedAt) {
    }

    /** {@code [{subscription_id, project_id, event_types}]}. */
    static List<Map<String, Object>> subscriptions(List<Subscription> subscriptions) {
        List<Map<String, Object>> out = new ArrayList<>(subscriptions.size());
        for (Subscription s : subscriptions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subscription_id", s.id());
            m.put("project_id", s.projectId() == null ? null : s.projectId().toString());
            m.put("event_types", s.typeList());
            out.add(m);
        }
        return out;
    }

    /** One client for {@code GET /websocket/connections}. */
    static Map<String, Object> describe(Identity who, List<Subscription> subscriptions, OutboundQueue outbound,
                                        FilterCounts filtered, long messagesReceived) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("connection_id", who.id());
        d.put("transport", who.transport());
        d.put("user_id", who.principal().userId());
        d.put("client_id", who.clientId());
        d.put("remote_address", String.valueOf(who.remoteAddress()));
        d.put("connected_at", Timestamps.format(who.connectedAt()));
        d.put("subscriptions", subscriptions(subscriptions));
        d.put("events_delivered", outbound.stats().eventsSent());
        d.put("events_replayed", outbound.stats().replaySent());
        d.put("events_filtered", filtered.total());
        d.put("messages_received", messagesReceived);
        d.put("queued_frames", outbound.queuedFrames());
        double h = outbound.health();
        d.put("health_score", h);
        d.put("health_status", h > 0.8 ? "healthy" : h > 0.5 ? "degraded" : "poor");
        return d;
    }

    /** One client's outbound queue for {@code GET /websocket/queue/status}. */
    static Map<String, Object> queueStatus(String id, String transport, OutboundQueue outbound) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("connection_id", id);
        q.put("transport", transport);
        q.put("queued_frames", outbound.queuedFrames());
        q.put("queued_live_events", outbound.queuedLiveEvents());
        q.put("queued_live_bytes", outbound.queuedLiveBytes());
        q.put("queued_replay_events", outbound.queuedReplayEvents());
        q.put("rate_limited", outbound.rateLimited());
        return q;
    }

    /** A WebSocket connection's counters for {@code get_stats}. */
    static Map<String, Object> stats(Identity who, String nodeId, long uptimeSeconds, List<Subscription> subscriptions,
                                     OutboundQueue outbound, FilterCounts filtered, long messagesReceived,
                                     long messagesRateLimited, long errorsSent) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("connection_id", who.id());
        s.put("user_id", who.principal().userId());
        s.put("client_id", who.clientId());
        s.put("node_id", nodeId);
        s.put("connected_at", Timestamps.format(who.connectedAt()));
        s.put("uptime_seconds", uptimeSeconds);
        s.put("subscriptions", subscriptions.stream().map(Subscription::id).toList());
        DeliveryStats d = outbound.stats();
        s.put("messages_received", messagesReceived);
        s.put("messages_rate_limited", messagesRateLimited);
        s.put("messages_sent", d.controlSent());
        s.put("errors_sent", errorsSent);
        s.put("events_delivered", d.eventsSent());
        s.put("events_replayed", d.replaySent());
        s.put("events_filtered", filtered.total());
        s.put("events_filtered_by_reason", filtered.byReason());
        s.put("events_conflated", d.conflated());
        s.put("events_rate_limited", d.rateLimitedEvents());
        s.put("frames_sent", d.framesSent());
        s.put("batches_sent", d.batchesSent());
        s.put("compressed_frames", d.compressedFrames());
        s.put("compression_saved_bytes", d.compressionSavedBytes());
        s.put("bytes_sent", d.bytesSent());
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("frames", outbound.queuedFrames());
        queue.put("live_events", outbound.queuedLiveEvents());
        queue.put("live_bytes", outbound.queuedLiveBytes());
        queue.put("replay_events", outbound.queuedReplayEvents());
        queue.put("replay_bytes", outbound.queuedReplayBytes());
        queue.put("rate_limited", outbound.rateLimited());
        s.put("queue", queue);
        s.put("average_write_latency_ms", outbound.healthInputs().averageLatencyMillis());
        s.put("rate_limit_violations", outbound.healthInputs().violations());
        s.put("connection_health", outbound.health());
        return s;
    }

    /** The presence record shared across nodes: node, user, client id, subscriptions, connected at. */
    static Map<String, Object> presence(Identity who, String nodeId, List<Subscription> subscriptions) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("node_id", nodeId);
        r.put("user_id", who.principal().userId());
        r.put("client_id", who.clientId());
        r.put("subscriptions", subscriptions(subscriptions));
        r.put("connected_at", Timestamps.format(who.connectedAt()));
        return r;
    }
}
