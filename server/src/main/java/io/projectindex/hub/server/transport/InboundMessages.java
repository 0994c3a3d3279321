package io.projectindex.hub.server.transport;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Confined to the connection's event loop. Joins a WebSocket's data frames into messages,
 * enforcing the message size limit while the fragments arrive and checking that text is valid
 * UTF-8 (RFC 6455 §8.1). Vert.x's own aggregation replaces malformed bytes with U+FFFD, which
 * would let a client's broken encoding pass for text; here it ends the connection with 1007
 * instead. Control frames are left to Vert.x (it answers pings and handles the close handshake).
 */
final class InboundMessages implements Handler<WebSocketFrame> {

    /** What the connection does with each outcome; called on its loop. */
    interface Listener {
        void onText(String text);

        void onBinary();

        /** A text message was not valid UTF-8: close with 1007. */
        void onInvalidUtf8();

        /** A message grew past the limit: reply MESSAGE_TOO_LARGE and close with 1009. */
        void onTooLarge();
    }

    private final int maxBytes;
    private final Listener listener;
    private CharsetDecoder decoder;
    /** Fragments of the message in progress; null when none is. */
    private Buffer parts;
    private boolean text;
    /** After a refused message nothing more is read (the connection is closing). */
    private boolean failed;

    InboundMessages(int maxBytes, Listener listener) {
        this.maxBytes = maxBytes;
        this.listener = listener;
    }

    @Override
    public void handle(WebSocketFrame frame) {
        if (failed) {
            return;
        }
        switch (frame.type()) {
            case TEXT, BINARY -> {
                // The WebSocket decoder refuses a new data frame inside a fragmented message (1002).
                text = frame.type() == io.vertx.core.http.WebSocketFrameType.TEXT;
                Buffer data = frame.binaryData();
                if (data.length() > maxBytes) {
                    fail();
                } else if (frame.isFinal()) {
                    complete(data);
                } else {
                    parts = Buffer.buffer(Math.min(maxBytes, 2 * data.length() + 64)).appendBuffer(data);
                }
            }
            case CONTINUATION -> {
                if (parts == null) {
                    return;
                }
                Buffer data = frame.binaryData();
                if ((long) parts.length() + data.length() > maxBytes) {
                    fail();
                    return;
                }
                parts.appendBuffer(data);
                if (frame.isFinal()) {
                    Buffer whole = parts;
                    parts = null;
                    complete(whole);
                }
            }
            default -> {
                // ping, pong and close are handled by Vert.x
            }
        }
    }

    private void complete(Buffer message) {
        if (!text) {
            listener.onBinary();
            return;
        }
        String decoded = decode(message.getBytes());
        if (decoded == null) {
            failed = true;
            listener.onInvalidUtf8();
        } else {
            listener.onText(decoded);
        }
    }

    private void fail() {
        failed = true;
        parts = null;
        listener.onTooLarge();
    }

    /** Strict UTF-8 (no overlong forms, no encoded surrogates); null when the bytes are not. */
    private String decode(byte[] bytes) {
        CharsetDecoder d = decoder;
        if (d == null) {
            d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            decoder = d;
        }
        try {
            return d.reset().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
