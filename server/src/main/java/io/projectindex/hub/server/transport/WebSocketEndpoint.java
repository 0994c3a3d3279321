package io.projectindex.hub.server.transport;

import io.projectindex.hub.protocol.CloseCode;
import io.projectindex.hub.protocol.ErrorCode;
import io.projectindex.hub.protocol.ProtocolException;
import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.auth.AuthenticationException;
import io.projectindex.hub.server.auth.Principal;
import io.projectindex.hub.server.hub.Shard;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;

/**
 * {@code GET /api/v1/project-index/websocket}: checks the handshake (options, token, draining)
 * before upgrading — a bad option is 400 and a bad token 401, with no upgrade — then admits the
 * connection within WEBSOCKET_MAX_CONNECTIONS (over the limit it is upgraded and closed with
 * 4029, so browsers see why) and starts a {@link Connection} on this shard's event loop.
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
            log.info("handshake refused (401) from {}: {}", request.remoteAddress(), e.getMessage());
            services.metrics().connectionRejected("unauthorized");
            HttpErrors.send(request.response(), 401, ErrorCode.UNAUTHORIZED, "authentication required", Map.of());
            return;
        }
        int max = services.config().websocket().maxConnections();
        if (services.connectionSlots().incrementAndGet() > max) {
            services.connectionSlots().decrementAndGet();
            services.metrics().connectionRejected("connection_limit");
            log.warn("connection refused: limit of {} connections reached (remote {})", max, request.remoteAddress());
            request.toWebSocket().onSuccess(ws -> ws.close((short) CloseCode.LIMIT_REACHED.code(),
                    "connection limit reached (" + max + ")"));
            return;
        }
        request.toWebSocket()
                .onSuccess(ws -> new Connection(ws, context, shard, services, principal, options,
                        UUID.randomUUID().toString()).start())
                .onFailure(t -> {
                    services.connectionSlots().decrementAndGet();
                    log.debug("upgrade failed from {}: {}", request.remoteAddress(), t.toString());
                });
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
