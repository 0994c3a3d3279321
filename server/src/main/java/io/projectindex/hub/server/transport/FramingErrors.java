package io.projectindex.hub.server.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * Stateless and sharable across connections. Gives WebSocket framing errors their close code. When
 * a client breaks the framing rules (an unmasked frame, reserved bits or opcode, a continuation
 * out of place, a control frame over 125 bytes) or announces a frame over the read limit (4 ×
 * max_message_bytes), the frame decoder raises an error and Vert.x drops the TCP connection
 * without a close frame — the client would only see an abnormal closure (1006). This handler,
 * placed just before Vert.x's, first writes the close frame the decoder's error names (1002
 * protocol error, 1009 too big), then lets the error go on.
 */
@ChannelHandler.Sharable
final class FramingErrors extends ChannelInboundHandlerAdapter {
    private static final FramingErrors INSTANCE = new FramingErrors();
    /** The name Vert.x gives its own handler, the last of an HTTP/1.x connection's pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private FramingErrors() {
    }

    /** Adds the handler to a new HTTP/1.x connection's pipeline (from the server's connection handler). */
    static void install(HttpConnection connection) {
        if (!(connection instanceof Http1xServerConnection c)) {
            return;
        }
        ChannelPipeline pipeline = c.channelHandlerContext().pipeline();
        if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(FramingErrors.class) == null) {
            pipeline.addBefore(VERTX_HANDLER, "framingErrors", INSTANCE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException e && ctx.channel().isActive()) {
            String reason = e.getMessage() == null ? "" : e.getMessage();
            ctx.writeAndFlush(new CloseWebSocketFrame(e.closeStatus().code(), reason.length() > 120
                    ? reason.substring(0, 120) : reason)).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireExceptionCaught(cause);
    }
}
