package io.projectindex.hub.server.transport;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * permessage-deflate (RFC 7692) for clients that offer it, without compressing small frames.
 * Vert.x's own extension handler compresses every frame, so the hub keeps Vert.x's option on
 * (which also lets the frame decoder accept compressed client frames) and replaces the handler
 * with Netty's handshaker configured with a filter that leaves frames under the compression
 * threshold — and binary frames, which are already gzip (PROTOCOL §6) — uncompressed. Frames from
 * clients are always inflated.
 *
 * <p>Cost: a connection that negotiates the extension keeps a zlib deflater and inflater (about
 * 300 KB of native memory) for its lifetime; {@code WEBSOCKET_PERMESSAGE_DEFLATE=false} turns the
 * extension off.
 */
final class PerMessageDeflate {
    private static final int COMPRESSION_LEVEL = 6;
    /** The name Vert.x gives its extension handler in the connection's pipeline. */
    private static final String VERTX_HANDLER = "webSocketExtensionHandler";

    private PerMessageDeflate() {
    }

    /** Adds the extension handler to a new HTTP/1.x connection's pipeline (from the server's connection handler). */
    static void install(HttpConnection connection, int thresholdBytes) {
        if (!(connection instanceof Http1xServerConnection c)) {
            return;
        }
        WebSocketExtensionFilter skipSmall = frame ->
                frame instanceof BinaryWebSocketFrame || frame.content().readableBytes() < thresholdBytes;
        WebSocketExtensionFilterProvider filters = new WebSocketExtensionFilterProvider() {
            @Override
            public WebSocketExtensionFilter encoderFilter() {
                return skipSmall;
            }

            @Override
            public WebSocketExtensionFilter decoderFilter() {
                return WebSocketExtensionFilter.NEVER_SKIP;
            }
        };
        ChannelPipeline pipeline = c.channelHandlerContext().pipeline();
        if (pipeline.get(VERTX_HANDLER) != null) {
            pipeline.replace(VERTX_HANDLER, VERTX_HANDLER, new WebSocketServerExtensionHandler(
                    new PerMessageDeflateServerExtensionHandshaker(COMPRESSION_LEVEL,
                            ZlibCodecFactory.isSupportingWindowSizeAndMemLevel(),
                            PerMessageDeflateServerExtensionHandshaker.MAX_WINDOW_SIZE, true, false, filters)));
        }
    }
}
