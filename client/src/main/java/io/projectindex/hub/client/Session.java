package io.projectindex.hub.client;

import io.projectindex.hub.protocol.ProtocolException;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One WebSocket connection of a {@link HubClient} (the JDK's {@link WebSocket}). Reads frames,
 * decodes them on the reader thread and posts each to the dispatcher; reports the end of the
 * connection exactly once, whatever ends it (close frame, error, abort).
 *
 * <p>Flow control: the socket is asked for {@code credits} messages up front and for one more
 * each time the dispatcher has handled one ({@link #release()}), so at most {@code credits}
 * frames wait in the dispatcher. When they are all waiting, the client stops reading; the hub's
 * bounded queue then fills and it closes the connection as a slow consumer (4008), or pings go
 * unanswered (4000), and the client resumes. Nothing is buffered without bound.
 *
 * <p>Threads: the listener methods run on the JDK's reader (one at a time, in order);
 * {@link #send}, {@link #release} and {@link #closeGracefully} are called on the dispatcher;
 * {@link #abort} from any thread.
 */
final class Session implements WebSocket.Listener {

    /** Receives what the session reads; every method is called on the dispatcher thread. */
    interface Handler {
        void onInbound(Session session, FrameDecoder.Inbound inbound);

        void onMalformed(Session session, ProtocolException problem);

        void onEnded(Session session, int code, String reason);
    }

    static final int ABNORMAL_CLOSE = 1006;
    static final int TOO_BIG_CLOSE = 1009;

    private final int serial;
    private final Dispatcher dispatcher;
    private final Handler handler;
    private final int credits;
    private final int maxFrameBytes;
    private final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile long lastActivityNanos = System.nanoTime();

    // reader thread only
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    // dispatcher thread only
    private CompletableFuture<WebSocket> sendChain = opened;

    Session(int serial, Dispatcher dispatcher, Handler handler, int credits, int maxFrameBytes) {
        this.serial = serial;
        this.dispatcher = dispatcher;
        this.handler = handler;
        this.credits = credits;
        this.maxFrameBytes = maxFrameBytes;
    }

    int serial() {
        return serial;
    }

    boolean ended() {
        return ended.get();
    }

    // ------------------------------------------------------------------ reader thread

    @Override
    public void onOpen(WebSocket webSocket) {
        opened.complete(webSocket);
        webSocket.request(credits);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        lastActivityNanos = System.nanoTime();
        if (text.length() + data.length() > maxFrameBytes) {
            text.setLength(0);
            abort(TOO_BIG_CLOSE, "a text frame from the hub is larger than " + maxFrameBytes + " bytes");
            return null;
        }
        text.append(data);
        if (!last) {
            webSocket.request(1);
            return null;
        }
        String frame = text.toString();
        text.setLength(0);
        deliver(() -> FrameDecoder.decodeText(frame));
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        lastActivityNanos = System.nanoTime();
        if (binary.size() + data.remaining() > maxFrameBytes) {
            binary.reset();
            abort(TOO_BIG_CLOSE, "a binary frame from the hub is larger than " + maxFrameBytes + " bytes");
            return null;
        }
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (!last) {
            webSocket.request(1);
            return null;
        }
        byte[] frame = binary.toByteArray();
        binary.reset();
        deliver(() -> FrameDecoder.decodeBinary(frame, maxFrameBytes));
        return null;
    }

    private void deliver(java.util.function.Supplier<FrameDecoder.Inbound> decode) {
        Runnable task;
        try {
            FrameDecoder.Inbound inbound = decode.get();
            task = () -> handler.onInbound(this, inbound);
        } catch (ProtocolException e) {
            task = () -> handler.onMalformed(this, e);
        }
        queued.incrementAndGet();
        if (!dispatcher.post(task)) {
            abort(ABNORMAL_CLOSE, "the client's dispatcher did not accept a frame");
        }
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        lastActivityNanos = System.nanoTime();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastActivityNanos = System.nanoTime();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end(statusCode, reason == null ? "" : reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(ABNORMAL_CLOSE, "connection failed: " + error);
    }

    // ------------------------------------------------------------------ dispatcher thread

    /** The dispatcher has handled one frame: ask the socket for another. */
    void release() {
        queued.decrementAndGet();
        lastActivityNanos = System.nanoTime();
        WebSocket ws = opened.getNow(null);
        if (ws != null && !ended.get()) {
            ws.request(1);
        }
    }

    /** Sends one text message after those already sent; a failed send aborts the session. */
    void send(String message) {
        sendChain = sendChain.thenCompose(ws -> ws.sendText(message, true));
        sendChain.whenComplete((ws, t) -> {
            if (t != null) {
                abort(ABNORMAL_CLOSE, "send failed: " + t);
            }
        });
    }

    /** Sends a close frame (1000) after pending sends; the session ends when the hub answers it. */
    void closeGracefully(String reason) {
        sendChain = sendChain.thenCompose(ws -> ws.sendClose(1000, reason));
    }

    // ------------------------------------------------------------------ any thread

    /** True when the client is reading (not every credit is taken by a waiting frame) but nothing came for {@code idleNanos}. */
    boolean idleFor(long idleNanos) {
        return queued.get() < credits && System.nanoTime() - lastActivityNanos > idleNanos;
    }

    /** Drops the connection at once and reports its end with {@code code}. */
    void abort(int code, String reason) {
        WebSocket ws = opened.getNow(null);
        if (ws != null) {
            ws.abort();
        }
        end(code, reason);
    }

    private void end(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
            if (!dispatcher.post(() -> handler.onEnded(this, code, reason))) {
                WebSocket ws = opened.getNow(null);
                if (ws != null) {
                    ws.abort();
                }
            }
        }
    }
}
