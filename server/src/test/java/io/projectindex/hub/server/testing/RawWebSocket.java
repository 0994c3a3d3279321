package io.projectindex.hub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.projectindex.hub.protocol.Json;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/**
 * A WebSocket client written on a plain socket, for hostile-input tests: it sends any bytes in any
 * frame (invalid UTF-8 in a text frame, fragments, binary, frames far over the limit), which the
 * JDK client refuses to do, and reads the server's frames one by one. Not thread-safe: one test
 * thread drives it.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** A message from the server: text or binary (fragments joined), or the close with its code. */
    public record Message(int opcode, byte[] payload, int closeCode) {
        public boolean isClose() {
            return opcode == CLOSE;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return Json.readTree(text());
        }

        @Override
        public String toString() {
            return isClose() ? "close " + closeCode : (opcode == TEXT ? "text " : "binary ") + abbreviate(text());
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Random maskRandom = new Random(7);
    private boolean closeReceived;
    private String handshake;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a connection and completes the handshake; fails unless the server answers 101. */
    public static RawWebSocket connect(int port, String query) {
        return connect(port, query, "");
    }

    /**
     * As {@link #connect(int, String)}, with {@code extraHeaders} (each line ending in CRLF) added
     * to the upgrade request; {@link #handshake()} keeps the server's answer.
     */
    public static RawWebSocket connect(int port, String query, String extraHeaders) {
        try {
            Socket s = new Socket("127.0.0.1", port);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) WsRecorder.TIMEOUT.toMillis());
            RawWebSocket ws = new RawWebSocket(s);
            String request = "GET /api/v1/project-index/websocket" + (query == null || query.isEmpty() ? "" : "?" + query)
                    + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
            ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
            ws.out.flush();
            String head = ws.readHead();
            if (!head.startsWith("HTTP/1.1 101")) {
                s.close();
                throw new IllegalStateException("handshake refused: " + head.lines().findFirst().orElse(head));
            }
            ws.handshake = head;
            return ws;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    public void sendText(String text) {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One frame, masked as a client must; {@code payload} is sent as given (any bytes). */
    public void sendFrame(int opcode, boolean fin, byte[] payload) {
        sendFrameBits((fin ? 0x80 : 0) | opcode, true, payload);
    }

    /**
     * One frame with the first header byte as given (FIN, RSV bits, opcode), masked or not: for
     * frames that break the framing rules on purpose.
     */
    public void sendFrameBits(int firstByte, boolean masked, byte[] payload) {
        try {
            ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
            int maskBit = masked ? 0x80 : 0;
            f.write(firstByte);
            if (payload.length < 126) {
                f.write(maskBit | payload.length);
            } else if (payload.length < 65536) {
                f.write(maskBit | 126);
                f.write(payload.length >>> 8);
                f.write(payload.length);
            } else {
                f.write(maskBit | 127);
                long n = payload.length;
                for (int i = 7; i >= 0; i--) {
                    f.write((int) (n >>> (8 * i)));
                }
            }
            if (!masked) {
                f.writeBytes(payload);
            } else {
                byte[] mask = new byte[4];
                maskRandom.nextBytes(mask);
                f.writeBytes(mask);
                for (int i = 0; i < payload.length; i++) {
                    f.write(payload[i] ^ mask[i & 3]);
                }
            }
            out.write(f.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Announces a frame of {@code declaredLength} bytes but sends only {@code partial} of its
     * payload: how a client would start a frame far over the limit. The server refuses on the
     * header, and because nothing more is in flight the close it sends is not lost to a reset.
     */
    public void sendOversizedFrameStart(int opcode, long declaredLength, byte[] partial) {
        try {
            ByteArrayOutputStream f = new ByteArrayOutputStream(partial.length + 14);
            f.write(0x80 | opcode);
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (declaredLength >>> (8 * i)));
            }
            byte[] mask = new byte[4];
            maskRandom.nextBytes(mask);
            f.writeBytes(mask);
            for (int i = 0; i < partial.length; i++) {
                f.write(partial[i] ^ mask[i & 3]);
            }
            out.write(f.toByteArray());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The next message (pings are answered and skipped, fragments joined); a close frame, or the
     * connection ending without one (reported as close 1006).
     */
    public Message read(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            int messageOpcode = -1;
            while (true) {
                Frame frame = nextFrame();
                if (frame == null) {
                    return new Message(CLOSE, new byte[0], 1006);
                }
                int opcode = frame.opcode();
                byte[] payload = frame.payload();
                boolean fin = frame.fin();
                if (opcode == PING) {
                    sendFrame(PONG, true, payload);
                    continue;
                }
                if (opcode == PONG) {
                    continue;
                }
                if (opcode == CLOSE) {
                    closeReceived = true;
                    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    return new Message(CLOSE, payload, code);
                }
                if (opcode != CONTINUATION) {
                    messageOpcode = opcode;
                }
                data.writeBytes(payload);
                if (fin) {
                    return new Message(messageOpcode, data.toByteArray(), 0);
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            // A reset after the server's close (it may drop the socket at once): the connection ended.
            return new Message(CLOSE, new byte[0], 1006);
        }
    }

    /** One frame as the server sent it: the first header byte (FIN, RSV bits, opcode) and the payload. */
    public record Frame(int firstByte, byte[] payload) {
        public int opcode() {
            return firstByte & 0x0F;
        }

        public boolean fin() {
            return (firstByte & 0x80) != 0;
        }

        /** RSV1: the payload is compressed (permessage-deflate). */
        public boolean rsv1() {
            return (firstByte & 0x40) != 0;
        }
    }

    /** The server's answer to the upgrade request: status line and headers. */
    public String handshake() {
        return handshake;
    }

    /**
     * The next frame exactly as sent, with nothing answered (pings included): for tests about the
     * framing itself. Fails on a timeout or when the connection ends.
     */
    public Frame readFrame() throws IOException {
        Frame f = nextFrame();
        if (f == null) {
            throw new EOFException("the connection ended");
        }
        return f;
    }

    /** The next frame, or null when the connection ended (also in the middle of a frame). */
    private Frame nextFrame() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        int b1 = readByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        if ((b1 & 0x80) != 0) {
            throw new IllegalStateException("the server masked a frame");
        }
        byte[] payload = in.readNBytes((int) len);
        return payload.length < len ? null : new Frame(b0, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    public boolean closeReceived() {
        return closeReceived;
    }

    /** Answers the server's close (if it sent one) and closes the socket. */
    @Override
    public void close() {
        try {
            if (!socket.isClosed()) {
                try {
                    sendFrame(CLOSE, true, new byte[] {0x03, (byte) 0xE8});
                } catch (UncheckedIOException ignored) {
                    // the server already dropped the connection
                }
                socket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " chars)";
    }
}
