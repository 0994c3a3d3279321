package io.projectindex.hub.server.transport;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Builds WebSocket frames around bytes that are already encoded, without copying them: the same
 * byte array (one event's envelope) is wrapped, not duplicated, for every connection it goes to.
 * This is the one place that uses Vert.x's frame implementation class directly, because the
 * public factories only take a String (which would be re-encoded per connection).
 */
final class Frames {
    private Frames() {
    }

    static WebSocketFrame text(byte[] utf8) {
        return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
    }

    static WebSocketFrame binary(byte[] bytes) {
        return new WebSocketFrameImpl(WebSocketFrameType.BINARY, bytes, true);
    }
}
