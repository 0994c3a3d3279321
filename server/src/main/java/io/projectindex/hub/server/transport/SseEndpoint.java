package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.EventType;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.Admission;
import io.projectindex.hub.server.auth.AuthenticationException;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.hub.Shard;
import io.projectindex.hub.server.stream.StreamPosition;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Called on the event loop the request arrived on. {@code GET
 * /api/v1/project-index/events/stream}: Server-Sent Events (PROTOCOL §11). Checks the request like
 * a WebSocket handshake before a byte of the stream is written — draining 503, the client IP's
 * handshake rate 429, the token 401, the parameters 400, the project 403 (audited) — then admits
 * it within WEBSOCKET_MAX_CONNECTIONS (503) and WEBSOCKET_MAX_CONNECTIONS_PER_USER (429), which
 * SSE streams share with WebSocket connections, and starts an {@link SseStream} on this loop's
 * shard.
 */
public final class SseEndpoint {
    static final String PATH = HttpApi.EVENTS + "/stream";
    private static final Logger log = LoggerFactory.getLogger(SseEndpoint.class);

    private final HubServices services;
    private final Shard shard;
    private final Context context;

    public SseEndpoint(HubServices services, Shard shard, Context context) {
        this.services = services;
        this.shard = shard;
        this.context = context;
    }

    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = request.response();
        if (services.lifecycle().draining()) {
            services.metrics().connectionRejected("draining");
            HttpErrors.unavailable(response, "the hub is shutting down; connect to another node", 1);
            return;
        }
        String ip = WebSocketEndpoint.remoteIp(request);
        if (services.admission().handshake(ip, WebSocketEndpoint.isLoopback(ip)) == Admission.Verdict.RATE_LIMITED) {
            long retryMillis = Math.max(1, services.admission().retryAfterMillis(ip));
            services.metrics().connectionRejected("handshake_rate_limited");
            services.audit().connectionLimit("handshake_rate", null, ip, services.admission().handshakesPerSecond());
            response.putHeader("Retry-After", Long.toString((retryMillis + 999) / 1000));
            HttpErrors.send(response, 429, ErrorCode.RATE_LIMITED, "too many connection attempts from this address",
                    Map.of("retry_after_ms", retryMillis));
            return;
        }
        Principal principal;
        try {
            principal = services.authenticator().authenticate(WebSocketEndpoint.bearer(request, null));
        } catch (AuthenticationException e) {
            log.info("event stream refused (401) from {}: {}", ip, e.getMessage());
            services.metrics().connectionRejected("unauthorized");
            services.audit().authFailure("sse", ip, e.getMessage());
            HttpErrors.send(response, 401, ErrorCode.UNAUTHORIZED, "authentication required", Map.of());
            return;
        }
        UUID projectId;
        Set<EventType> types;
        StreamPosition resumeAfter;
        try {
            projectId = HttpApi.uuidParam(request, "project_id");
            types = HttpApi.eventTypes(request.getParam("event_types"));
            resumeAfter = lastEventId(request);
        } catch (ProtocolException e) {
            services.metrics().connectionRejected("invalid_option");
            HttpErrors.fail(response, e);
            return;
        }
        if (!principal.canRead(projectId)) {
            services.metrics().error(ErrorCode.FORBIDDEN.wire(), "sse");
            services.audit().forbidden(principal.userId(), "stream", projectId, ip);
            HttpErrors.send(response, 403, ErrorCode.FORBIDDEN, "not allowed to read project " + projectId,
                    Map.of("project_id", projectId.toString()));
            return;
        }
        if (!admit(principal, ip, response)) {
            return;
        }
        new SseStream(request, context, shard, services, principal, projectId, types, resumeAfter,
                UUID.randomUUID().toString()).start();
    }

    /** Takes a connection slot and a per-user slot, or answers 503 / 429 and returns false. */
    private boolean admit(Principal principal, String ip, HttpServerResponse response) {
        int max = services.config().websocket().maxConnections();
        if (services.connectionSlots().incrementAndGet() > max) {
            services.connectionSlots().decrementAndGet();
            services.metrics().connectionRejected("connection_limit");
            log.warn("event stream refused: limit of {} connections reached (remote {})", max, ip);
            services.audit().connectionLimit("max_connections", principal.userId(), ip, max);
            response.putHeader("Retry-After", "1");
            HttpErrors.send(response, 503, ErrorCode.LIMIT_EXCEEDED, "connection limit reached (" + max + ")",
                    details("max_connections", max));
            return false;
        }
        if (!services.admission().acquire(principal.userId())) {
            services.connectionSlots().decrementAndGet();
            int perUser = services.admission().maxPerUser();
            services.metrics().connectionRejected("user_connection_limit");
            log.warn("event stream refused: user {} already holds {} connections (remote {})", principal.userId(),
                    perUser, ip);
            services.audit().connectionLimit("max_connections_per_user", principal.userId(), ip, perUser);
            response.putHeader("Retry-After", "1");
            HttpErrors.send(response, 429, ErrorCode.LIMIT_EXCEEDED, "connection limit per user reached (" + perUser + ")",
                    details("max_connections_per_user", perUser));
            return false;
        }
        return true;
    }

    private static Map<String, Object> details(String limit, int max) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("limit", limit);
        d.put("max", max);
        return d;
    }

    /**
     * The position to resume after: the {@code Last-Event-ID} header a reconnecting EventSource
     * sends, else the {@code last_event_id} parameter; {@code <epoch>:<offset>} as the stream wrote
     * it. Null when neither is given.
     */
    static StreamPosition lastEventId(HttpServerRequest request) {
        String header = request.getHeader("Last-Event-ID");
        String field = header != null ? "Last-Event-ID" : "last_event_id";
        String value = header != null ? header : request.getParam("last_event_id");
        if (value == null || value.isBlank()) {
            return null;
        }
        value = value.trim();
        int colon = value.lastIndexOf(':');
        String epoch = colon > 0 ? value.substring(0, colon) : "";
        long offset = -1;
        if (colon > 0 && colon < value.length() - 1 && epoch.length() <= 64 && epoch.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            try {
                offset = Long.parseLong(value.substring(colon + 1));
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        if (offset < 0) {
            throw ProtocolException.invalidField(field, "must be <epoch>:<offset> as the stream sent it in its id field");
        }
        return new StreamPosition(epoch, offset);
    }
}
