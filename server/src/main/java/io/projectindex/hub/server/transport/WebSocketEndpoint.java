package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.CloseCode;
import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.Admission;
import io.projectindex.hub.server.auth.AuthenticationException;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.hub.Shard;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /api/v1/project-index/websocket}: checks the handshake (draining, the client IP's
 * handshake rate, options, token) before upgrading — too many attempts are 429, a bad option 400
 * and a bad token 401, with no upgrade — then admits the connection within
 * WEBSOCKET_MAX_CONNECTIONS and WEBSOCKET_MAX_CONNECTIONS_PER_USER (over a limit it is upgraded
 * and closed with 4029, so browsers see why) and starts a {@link Connection} on this shard's
 * event loop. Refusals are written to the audit log.
 */
public final class WebSocketEndpoint {
    public static final String PATH = "/api/v1/project-index/websocket";
    private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);

    private final HubServices services;
    private final Shard shard;
    private final Context context;

    public WebSocketEndpoint(HubServices services, Shard shard, Context context) {
        this.services = services;
        this.shard = shard;
        this.context = context;
    }

    public void handle(HttpServerRequest request) {
        if (services.lifecycle().draining()) {
            services.metrics().connectionRejected("draining");
            HttpErrors.unavailable(request.response(), "the hub is shutting down; connect to another node", 1);
            return;
        }
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            HttpErrors.send(request.response(), 400, ErrorCode.INVALID_MESSAGE,
                    "this endpoint needs a WebSocket upgrade (ws://host:port" + PATH + ")", null);
            return;
        }
        String ip = remoteIp(request);
        if (services.admission().handshake(ip, isLoopback(ip)) == Admission.Verdict.RATE_LIMITED) {
            refuseHandshakeRate(request, ip);
            return;
        }
        ConnectionOptions options;
        try {
            options = ConnectionOptions.parse(request.params());
        } catch (ProtocolException e) {
            services.metrics().connectionRejected("invalid_option");
            HttpErrors.fail(request.response(), e);
            return;
        }
        Principal principal;
        try {
            principal = services.authenticator().authenticate(bearer(request, options));
        } catch (AuthenticationException e) {
            log.info("handshake refused (401) from {}: {}", ip, e.getMessage());
            services.metrics().connectionRejected("unauthorized");
            services.audit().authFailure("websocket", ip, e.getMessage());
            HttpErrors.send(request.response(), 401, ErrorCode.UNAUTHORIZED, "authentication required", Map.of());
            return;
        }
        int max = services.config().websocket().maxConnections();
        if (services.connectionSlots().incrementAndGet() > max) {
            services.connectionSlots().decrementAndGet();
            services.metrics().connectionRejected("connection_limit");
            log.warn("connection refused: limit of {} connections reached (remote {})", max, ip);
            services.audit().connectionLimit("max_connections", principal.userId(), ip, max);
            request.toWebSocket().onSuccess(ws -> ws.close((short) CloseCode.LIMIT_REACHED.code(),
                    "connection limit reached (" + max + ")"));
            return;
        }
        if (!services.admission().acquire(principal.userId())) {
            services.connectionSlots().decrementAndGet();
            int perUser = services.admission().maxPerUser();
            services.metrics().connectionRejected("user_connection_limit");
            log.warn("connection refused: user {} already holds {} connections (remote {})", principal.userId(), perUser, ip);
            services.audit().connectionLimit("max_connections_per_user", principal.userId(), ip, perUser);
            request.toWebSocket().onSuccess(ws -> ws.close((short) CloseCode.LIMIT_REACHED.code(),
                    "connection limit per user reached (" + perUser + ")"));
            return;
        }
        request.toWebSocket()
                .onSuccess(ws -> {
                    CompactWebSocket.compact(ws);
                    new Connection(ws, context, shard, services, principal, options, UUID.randomUUID().toString()).start();
                })
                .onFailure(t -> {
                    services.connectionSlots().decrementAndGet();
                    services.admission().release(principal.userId());
                    log.debug("upgrade failed from {}: {}", ip, t.toString());
                });
    }

    /** 429 before any work on the request, token verification included: a handshake flood costs little. */
    private void refuseHandshakeRate(HttpServerRequest request, String ip) {
        long retryMillis = Math.max(1, services.admission().retryAfterMillis(ip));
        services.metrics().connectionRejected("handshake_rate_limited");
        services.audit().connectionLimit("handshake_rate", null, ip, services.admission().handshakesPerSecond());
        HttpServerResponse response = request.response();
        response.putHeader("Retry-After", Long.toString((retryMillis + 999) / 1000));
        HttpErrors.send(response, 429, ErrorCode.RATE_LIMITED, "too many connection attempts from this address",
                Map.of("retry_after_ms", retryMillis));
    }

    /** The client's IP address as text ({@code unknown} when the transport has none). */
    static String remoteIp(HttpServerRequest request) {
        SocketAddress a = request.remoteAddress();
        String ip = a == null ? null : a.hostAddress();
        return ip == null || ip.isEmpty() ? "unknown" : ip;
    }

    static boolean isLoopback(String ip) {
        // hostAddress() is a literal, so this parses it without a DNS lookup.
        try {
            return !ip.equals("unknown") && InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The token from {@code Authorization: Bearer …}, else from {@code ?token=}. */
    static String bearer(HttpServerRequest request, ConnectionOptions options) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return options == null ? request.getParam("token") : options.token();
    }
}
