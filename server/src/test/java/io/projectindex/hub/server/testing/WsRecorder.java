package io.projectindex.hub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real WebSocket client (the JDK's) that records every frame it receives in order, with
 * {@code await…} helpers that fail with the frames seen so far when the expected one does not
 * come, and {@link #assertNoMoreFrames} to check nothing unexpected arrived.
 */
public final class WsRecorder implements WebSocket.Listener {
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** One received frame: text, binary (with its gunzipped text when it is gzip), or the close. */
    public record Frame(String kind, String text, byte[] bytes, int closeCode, String reason) {
        public JsonNode json() {
            return Json.readTree(text);
        }

        public boolean isClose() {
            return kind.equals("close");
        }
    }

    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final StringBuilder textPart = new StringBuilder();
    private final ByteArrayOutputStream binaryPart = new ByteArrayOutputStream();
    private final List<Frame> seen = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket socket;

    /** Connects a recording client to any hub URL. */
    public static WsRecorder connect(java.net.URI uri) {
        WsRecorder r = new WsRecorder();
        WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, r).join();
        r.attach(ws);
        return r;
    }

    void attach(WebSocket ws) {
        this.socket = ws;
    }

    public WebSocket socket() {
        return socket;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.socket = webSocket;
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        textPart.append(data);
        if (last) {
            frames.add(new Frame("text", textPart.toString(), null, 0, null));
            textPart.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binaryPart.writeBytes(b);
        if (last) {
            byte[] all = binaryPart.toByteArray();
            binaryPart.reset();
            frames.add(new Frame("binary", gunzip(all), all, 0, null));
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        frames.add(new Frame("close", null, null, statusCode, reason));
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        frames.add(new Frame("close", null, null, 1006, String.valueOf(error)));
        closed.complete(1006);
    }

    private static String gunzip(byte[] b) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends a client message and returns its single reply. */
    public JsonNode request(String text) {
        send(text);
        return awaitJson();
    }

    public Frame awaitFrame() {
        return awaitFrame(TIMEOUT);
    }

    public Frame awaitFrame(Duration timeout) {
        try {
            Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                fail("no frame within " + timeout + "; frames so far: " + describe());
            }
            seen.add(f);
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next frame, or null if none arrives within {@code timeout} (for clients that run their own loop). */
    public Frame pollFrame(Duration timeout) {
        try {
            Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (f != null) {
                seen.add(f);
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The next frame, which must be a JSON text (or gzip binary) frame. */
    public JsonNode awaitJson() {
        Frame f = awaitFrame();
        if (f.isClose() || f.text() == null) {
            fail("expected a JSON frame but got " + f + "; frames so far: " + describe());
        }
        return f.json();
    }

    /** The next frame, which must be of {@code type}. */
    public JsonNode awaitType(String type) {
        JsonNode n = awaitJson();
        assertThat(n.path("type").asText()).as("frame type of %s", n).isEqualTo(type);
        return n;
    }

    /** The next {@code n} frames, each an event (type one of the four event types or a batch, flattened). */
    public List<JsonNode> awaitEvents(int n) {
        List<JsonNode> out = new ArrayList<>(n);
        while (out.size() < n) {
            JsonNode f = awaitJson();
            if (f.path("type").asText().equals("batch")) {
                f.path("events").forEach(out::add);
            } else {
                assertThat(f.has("offset")).as("expected an event, got %s", f).isTrue();
                out.add(f);
            }
        }
        return out;
    }

    /** Waits for the close frame and returns its code. */
    public int awaitClose() {
        while (true) {
            Frame f = awaitFrame();
            if (f.isClose()) {
                return f.closeCode();
            }
        }
    }

    /** Fails if any frame arrives within {@code quiet}. */
    public void assertNoMoreFrames(Duration quiet) {
        try {
            Frame f = frames.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (f != null) {
                fail("unexpected frame " + f + (f.text() != null ? " " + f.text() : ""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            try {
                ws.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // already closing
            }
        }
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            ws.abort();
        }
    }

    public void abort() {
        socket.abort();
    }

    public int pending() {
        return frames.size();
    }

    private String describe() {
        List<String> out = new ArrayList<>();
        for (Frame f : seen) {
            out.add(f.text() != null ? f.text() : f.toString());
        }
        return out.toString();
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
