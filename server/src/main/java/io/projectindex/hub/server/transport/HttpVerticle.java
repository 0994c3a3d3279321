package io.projectindex.hub.server.transport;

import io.projectindex.hub.server.HubServices;
import io.projectindex.hub.server.filter.RelevanceScorer;
import io.projectindex.hub.server.hub.Shard;
import io.projectindex.hub.server.hub.Subscriber;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One event loop's share of the hub: an HTTP server instance on the shared port (Vert.x spreads
 * accepted connections across instances), the {@link Shard} of the WebSocket connections and
 * Server-Sent Events streams it owns, and the shard's ping timer (one timer per loop, not one per
 * connection; it also sends the streams' keep-alive comments).
 */
public final class HttpVerticle extends VerticleBase {
    private final HubServices services;
    private final int index;
    private final int port;
    private Shard shard;
    private HttpServer server;
    private long pingTimer = -1;

    public HttpVerticle(HubServices services, int index, int port) {
        this.services = services;
        this.index = index;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        shard = new Shard(index, task -> context.runOnContext(v -> task.run()),
                new RelevanceScorer(services.clock()), services.globalFilters());
        services.hub().register(shard);
        WebSocketEndpoint websocket = new WebSocketEndpoint(services, shard, context);
        Router router = HttpApi.router(vertx, services, context, websocket, new SseEndpoint(services, shard, context));
        int maxMessage = services.config().websocket().maxMessageBytes();
        // Frames up to 4x the limit are read so an oversized message gets a MESSAGE_TOO_LARGE error
        // before the 1009 close; anything larger is refused by the WebSocket decoder itself (1009).
        int readLimit = (int) Math.min(Integer.MAX_VALUE, 4L * maxMessage);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(services.config().server().host())
                .setPort(port)
                .setMaxWebSocketFrameSize(readLimit)
                .setMaxWebSocketMessageSize(readLimit)
                .setPerMessageWebSocketCompressionSupported(services.config().websocket().perMessageDeflate())
                .setPerFrameWebSocketCompressionSupported(false)
                .setAcceptBacklog(4096)
                .setTcpNoDelay(true)
                // A peer that does not answer our close frame (e.g. after a ping timeout) is dropped after 3 s.
                .setWebSocketClosingTimeout(3)
                // Responses are only ever written on the request's own event loop (Loops.on), so
                // connections need no multi-producer write queue (about 4.7 KB each; see CompactWebSocket).
                .setStrictThreadMode(true);
        long interval = services.config().websocket().pingInterval().toMillis();
        pingTimer = vertx.setPeriodic(interval, interval, id -> {
            for (Subscriber s : shard.members()) {
                ((LoopMember) s).pingTick();
            }
        });
        server = vertx.createHttpServer(options).requestHandler(router);
        boolean deflate = services.config().websocket().perMessageDeflate();
        int threshold = services.config().delivery().compressionThreshold();
        server.connectionHandler(connection -> {
            FramingErrors.install(connection);
            if (deflate) {
                PerMessageDeflate.install(connection, threshold);
            }
        });
        return server.listen();
    }

    /** The port actually bound (useful when 0 was requested). */
    public int actualPort() {
        return server.actualPort();
    }

    public Shard shard() {
        return shard;
    }

    /** On this loop: sends every connection a shutdown notice and closes it with 1001. */
    public Future<Void> closeConnections() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(x -> {
            for (Subscriber s : shard.members()) {
                ((LoopMember) s).shutdown();
            }
            done.complete();
        });
        return done.future();
    }

    @Override
    public Future<?> stop() {
        if (pingTimer >= 0) {
            vertx.cancelTimer(pingTimer);
        }
        services.hub().unregister(shard);
        return server == null ? Future.succeededFuture() : server.close();
    }
}
