package io.projectindex.hub.server.transport;

import io.netty.channel.ChannelHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketImplBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;

/**
 * Trims what Vert.x keeps for every accepted server WebSocket, the largest costs of an idle
 * connection (found with {@code jcmd GC.class_histogram} and a heap dump of a hub holding 10,000
 * idle connections).
 *
 * <ul>
 *   <li><b>Write queue.</b> Vert.x 5.0.7 gives every WebSocket connection a multi-producer outbound
 *   queue whose first block is a 1,025-slot array (about 4.7 KB), so that any thread may write to
 *   it. The hub writes to a connection only on its own event loop (every write goes through the
 *   connection's {@code OutboundQueue}, confined to that loop), which is the contract of Vert.x's
 *   direct queue — the one it already uses for HTTP connections in strict thread mode
 *   ({@code HttpServerOptions.setStrictThreadMode}, which the hub turns on) but does not offer for
 *   server WebSockets in this version. It is swapped in right after the upgrade, before anything is
 *   written.</li>
 *   <li><b>Handshake state.</b> The WebSocket's Netty handler keeps the factory that built the
 *   connection, and through it the whole upgrade: the HTTP request and response, the HTTP/1.1
 *   connection and its handlers (about 1.3 KB). The factory is used once, when the handler is added,
 *   so it is released.</li>
 * </ul>
 *
 * <p>Both reach into Vert.x internals (pinned by the BOM); if they change, {@link #compact} logs once
 * and leaves the connection as Vert.x made it, and {@code CompactWebSocketTest} fails so the change
 * is noticed at build time. Call on the connection's event loop, right after the upgrade.
 */
final class CompactWebSocket {
    private static final Logger log = LoggerFactory.getLogger(CompactWebSocket.class);
    private static final Field CONNECTION;
    private static final Field QUEUE;
    private static final Constructor<?> DIRECT_QUEUE;
    private static final Field FACTORY;
    private static volatile boolean warned;

    static {
        Field connection = null;
        Field queue = null;
        Constructor<?> direct = null;
        Field factory = null;
        try {
            connection = WebSocketImplBase.class.getDeclaredField("conn");
            connection.setAccessible(true);
            queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
            queue.setAccessible(true);
            direct = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue")
                    .getDeclaredConstructor(VertxConnection.class);
            direct.setAccessible(true);
            factory = VertxHandler.class.getDeclaredField("connectionFactory");
            factory.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot trim Vert.x WebSocket connections ({}); they keep Vert.x's defaults", e.toString());
            connection = null;
        }
        CONNECTION = connection;
        QUEUE = queue;
        DIRECT_QUEUE = direct;
        FACTORY = factory;
    }

    private CompactWebSocket() {
    }

    /** True when the trimming works with this Vert.x. */
    static boolean available() {
        return CONNECTION != null;
    }

    /** Swaps in the direct write path and releases the handshake state; returns whether it did. */
    static boolean compact(ServerWebSocket ws) {
        if (CONNECTION == null) {
            return false;
        }
        try {
            ServerWebSocket core = unwrap(ws);
            if (!(core instanceof WebSocketImplBase)) {
                warnOnce("unexpected WebSocket type " + ws.getClass().getName());
                return false;
            }
            VertxConnection connection = (VertxConnection) CONNECTION.get(core);
            QUEUE.set(connection, DIRECT_QUEUE.newInstance(connection));
            ChannelHandler handler = connection.channelHandlerContext().handler();
            if (handler instanceof VertxHandler) {
                FACTORY.set(handler, null);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            warnOnce(e.toString());
            return false;
        }
    }

    /**
     * The core WebSocket under Vert.x Web's router wrapper ({@code ServerWebSocketWrapper}, which
     * keeps it in a field named {@code delegate}); a core WebSocket is returned as is.
     */
    private static ServerWebSocket unwrap(ServerWebSocket ws) throws ReflectiveOperationException {
        ServerWebSocket current = ws;
        for (int depth = 0; depth < 3 && !(current instanceof WebSocketImplBase); depth++) {
            Field delegate = current.getClass().getDeclaredField("delegate");
            delegate.setAccessible(true);
            current = (ServerWebSocket) delegate.get(current);
        }
        return current;
    }

    private static void warnOnce(String why) {
        if (!warned) {
            warned = true;
            log.warn("cannot trim a Vert.x WebSocket connection ({}); it keeps Vert.x's defaults", why);
        }
    }
}
